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

    /// <summary>
    /// Steps a minute (both feet) counted from the 3D motion itself, the reference for the cadence estimate: a foot
    /// strike is an ankle coming down into the lowest 30% of its height range after rising above 60% of it. Null when
    /// the feet do not lift (standing) or fewer than three strikes happen.
    /// </summary>
    public double? CountedCadenceSpm()
    {
        var strikes = new List<double>();
        foreach (var ankle in new[] { 15, 16 })
        {
            var h = Frames.Select(p => p[ankle].Y).ToArray();
            var sorted = h.Order().ToArray();
            var lo = sorted[(int)(0.05 * (sorted.Length - 1))];
            var hi = sorted[(int)(0.95 * (sorted.Length - 1))];
            if (hi - lo < 0.03)
            {
                continue;
            }
            var down = lo + (0.3 * (hi - lo));
            var up = lo + (0.6 * (hi - lo));
            var lifted = false;
            for (var i = 0; i < h.Length; i++)
            {
                if (h[i] > up)
                {
                    lifted = true;
                }
                else if (lifted && h[i] < down)
                {
                    strikes.Add(i * FrameTimeSeconds);
                    lifted = false;
                }
            }
        }
        strikes.Sort();
        return strikes.Count >= 3 && strikes[^1] > strikes[0] ? 60 * (strikes.Count - 1) / (strikes[^1] - strikes[0]) : null;
    }

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
