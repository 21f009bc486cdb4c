using System.Diagnostics;
using BlazorMood.TestSupport;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Video.Tests;

/// <summary>Test clips made on the fly by ffmpeg (lavfi sources or stills looped) in a private temp folder; never committed.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bm-video-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

internal static class Clips
{
    /// <summary>Runs ffmpeg with the given arguments (output last) and returns the output path.</summary>
    public static string Ffmpeg(string output, params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-y" }.Concat(args).Append(output))
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "ffmpeg failed: " + err);
        return output;
    }

    /// <summary>A synthetic test pattern clip (H.264 MP4 with faststart).</summary>
    public static string TestPattern(string output, int width, int height, double seconds, int fps = 10) =>
        Ffmpeg(output, "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={fps}:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart");

    /// <summary>A still photo looped into a clip, scaled to <paramref name="width"/> wide, optionally rotated by a filter.</summary>
    public static string FromStill(string output, string image, double seconds, int width, string? extraFilter = null, int fps = 10, string? crop = null)
    {
        var filter = (crop is null ? "" : crop + ",") + $"scale={width}:-2" + (extraFilter is null ? "" : "," + extraFilter) + ",format=yuv420p";
        return Ffmpeg(output, "-loop", "1", "-framerate", fps.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-i", image, "-vf", filter, "-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart");
    }

    /// <summary>ffprobe's codec, pixel format and counted frames of the first video stream.</summary>
    public static (string Codec, string PixFmt, int Frames, int Width, int Height) Probe(string path)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=codec_name,pix_fmt,nb_read_frames,width,height", "-of", "csv=p=0", path })
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var line = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        var parts = line.Split(',');
        // csv order follows the stream's field order: codec_name, width, height, pix_fmt, nb_read_frames.
        return (parts[0], parts[3], int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>The real vision models plus the video services, loaded once for the "video-models" collection.</summary>
public sealed class VideoFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public VideoFixture()
    {
        _services = Build(_ => { });
    }

    public ActivityPipeline Pipeline => _services.GetRequiredService<ActivityPipeline>();

    public FfmpegService Ffmpeg => _services.GetRequiredService<FfmpegService>();

    public static ServiceProvider Build(Action<VideoOptions> tweak) =>
        new ServiceCollection()
            .AddVision(o =>
            {
                o.ModelsPath = TestAssets.ModelsDir;
                o.ExecutionProvider = ExecutionProvider.Cpu;
                o.FaceDetector.Enabled = false;
                o.Emotion.Enabled = false;
            })
            .AddVideo(tweak)
            .BuildServiceProvider();

    public void Dispose() => _services.Dispose();
}

[CollectionDefinition("video-models")]
public sealed class VideoModelsCollection : ICollectionFixture<VideoFixture>
{
}
