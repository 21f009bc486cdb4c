using BlazorMood.Video;
using BlazorMood.Vision;

namespace BlazorMood.Training.Activity;

/// <summary>
/// Steps counted on a real clip, the reference the product's cadence is checked against: the clip's keypoint track
/// is extracted at the source's full rate (30 frames a second, <c>blazormood devdata tracks --fps 30</c>), and every
/// step is one peak of the distance between the ankles along its main direction (feet furthest apart at each foot
/// strike: horizontal seen from the side, vertical seen from the front). The distance does not care which ankle MoveNet
/// calls left, so label swaps do not add or remove steps. Peaks must be at least 0.2 s apart and rise above the middle
/// of the signal's 10–90 % range. The result is steps a minute between the first and the last peak.
/// </summary>
public static class ReferenceCadence
{
    public static double? StepsPerMinute(IReadOnlyList<PoseObservation> observations, float minScore = 0.3f)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var t = new List<double>();
        var dx = new List<double>();
        var dy = new List<double>();
        foreach (var o in observations)
        {
            if (o.Pose is { } p && p[BodyPart.LeftAnkle].Score >= minScore && p[BodyPart.RightAnkle].Score >= minScore)
            {
                t.Add(o.TimeSeconds);
                dx.Add(p[BodyPart.LeftAnkle].Position.X - p[BodyPart.RightAnkle].Position.X);
                dy.Add(p[BodyPart.LeftAnkle].Position.Y - p[BodyPart.RightAnkle].Position.Y);
            }
        }
        if (t.Count < 10)
        {
            return null;
        }
        // Main direction of the ankle-to-ankle vector.
        double sxx = dx.Sum(v => v * v), syy = dy.Sum(v => v * v), sxy = dx.Zip(dy, (a, b) => a * b).Sum();
        var theta = 0.5 * Math.Atan2(2 * sxy, sxx - syy);
        var (c, s) = (Math.Cos(theta), Math.Sin(theta));
        var raw = dx.Zip(dy, (a, b) => Math.Abs((a * c) + (b * s))).ToArray();
        // Light smoothing (three frames) against keypoint jitter.
        var d = raw.Select((_, i) => raw.Skip(Math.Max(0, i - 1)).Take(i == 0 ? 2 : 3).Average()).ToArray();
        var sorted = d.Order().ToArray();
        var threshold = (sorted[(int)(0.1 * (sorted.Length - 1))] + sorted[(int)(0.9 * (sorted.Length - 1))]) / 2;
        var peaks = new List<double>();
        for (var i = 1; i < d.Length - 1; i++)
        {
            if (d[i] >= threshold && d[i] >= d[i - 1] && d[i] > d[i + 1])
            {
                if (peaks.Count > 0 && t[i] - peaks[^1] < 0.2)
                {
                    continue;
                }
                peaks.Add(t[i]);
            }
        }
        return peaks.Count >= 3 ? 60 * (peaks.Count - 1) / (peaks[^1] - peaks[0]) : null;
    }
}
