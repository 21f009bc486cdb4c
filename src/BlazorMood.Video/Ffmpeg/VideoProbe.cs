namespace BlazorMood.Video;

/// <summary>What ffprobe says about a clip's first video stream.</summary>
/// <param name="Duration">Container or stream duration.</param>
/// <param name="FrameRate">Average frame rate of the stream.</param>
/// <param name="FrameCount">Frames the container declares (0 when it does not say).</param>
/// <param name="Rotation">Display rotation in degrees from the stream's side data (phone clips).</param>
public sealed record VideoProbe(string Format, string Codec, int Width, int Height, TimeSpan Duration, double FrameRate, long FrameCount, long FileBytes, int Rotation)
{
    /// <summary>Frame size after the display rotation is applied (ffmpeg auto-rotates when decoding).</summary>
    public (int Width, int Height) DisplaySize => Math.Abs(Rotation) % 180 == 90 ? (Height, Width) : (Width, Height);

    /// <summary>Size of the sampled frames for a target width: never enlarged, both sides even (yuv420p needs it).</summary>
    public (int Width, int Height) ScaledSize(int targetWidth)
    {
        var (w, h) = DisplaySize;
        var width = Math.Min(targetWidth, w);
        var height = (int)Math.Round((double)h * width / w);
        return (Math.Max(2, width & ~1), Math.Max(2, height & ~1));
    }

    /// <summary>Frames a decode sampled at <paramref name="fps"/> should yield.</summary>
    public int ExpectedSampledFrames(double fps) => Math.Max(1, (int)Math.Round(Duration.TotalSeconds * fps));
}
