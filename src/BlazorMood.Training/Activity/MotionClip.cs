namespace BlazorMood.Training.Activity;

/// <summary>
/// A labelled 3D motion: the 17 COCO keypoints per frame in metres (y up), from motion capture or the synthetic body
/// model, optionally with a bicycle (the eight corners of its box) per frame. <see cref="VirtualCamera"/> films it.
/// </summary>
/// <param name="Id">Unique name (source and file or generator parameters).</param>
/// <param name="Source">Where it comes from ("bandai", "cmu", "synthetic"): the unit of leave-one-source-out validation.</param>
/// <param name="Label">Model class: running, walking, standing, sitting, lying, cycling, squats, jumping, push-ups.</param>
public sealed record MotionClip(string Id, string Source, string Label, double FrameTimeSeconds, IReadOnlyList<Vec3[]> Frames, IReadOnlyList<Vec3[]>? Bicycle = null)
{
    public double DurationSeconds => Frames.Count * FrameTimeSeconds;

    /// <summary>The pose at <paramref name="t"/> seconds, linearly interpolated between frames.</summary>
    public Vec3[] At(double t, out Vec3[]? bicycle)
    {
        var x = Math.Clamp(t / FrameTimeSeconds, 0, Frames.Count - 1);
        var i = (int)Math.Floor(x);
        var j = Math.Min(i + 1, Frames.Count - 1);
        var w = x - i;
        var pose = new Vec3[17];
        for (var k = 0; k < 17; k++)
        {
            pose[k] = Vec3.Lerp(Frames[i][k], Frames[j][k], w);
        }
        bicycle = Bicycle is null ? null : Bicycle[i].Zip(Bicycle[j], (a, b) => Vec3.Lerp(a, b, w)).ToArray();
        return pose;
    }
}
