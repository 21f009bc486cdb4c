using BlazorMood.Video;
using BlazorMood.Vision;

namespace BlazorMood.Training.Activity;

/// <summary>
/// Steps counted on a real clip, the reference the product's cadence is checked against. The clip's keypoint track is
/// extracted at the source's full rate (30 frames a second, <c>blazormood devdata tracks --fps 30</c>), and every step
/// is one bounce of the torso: running or walking, the body is lowest once per foot contact, so the height of the hips,
/// the shoulders and the nose each peak once a step. Unlike the ankles, these points do not depend on which leg MoveNet
/// calls left, are seldom hidden, and bounce the same seen from the side, the front or behind.
/// <para>
/// Each of the three heights is detrended (minus its centred one-second moving average, which removes a runner coming
/// closer or a camera tilting) and smoothed over three frames; a step is a peak above zero at least 0.2 s after the
/// previous one. The series whose peaks come most regularly is used. A clip counts only when that bounce is regular:
/// at least <see cref="MinSteps"/> peaks, and intervals between them whose coefficient of variation is at most
/// <see cref="MaxIntervalVariation"/>; otherwise there is no reference (null), not a guess. The result is steps a minute
/// between the first and the last peak, in video time (a slow-motion clip counts slowly).
/// </para>
/// </summary>
/// <remarks>
/// This replaces a count of ankle-spread peaks, which on a runner seen from behind found 85 steps a minute where the
/// soles flash every 10–11 frames at 30 fps (about 170) and the torso bounces 165 times a minute.
/// </remarks>
public static class ReferenceCadence
{
    /// <summary>Fewest counted steps for a reference.</summary>
    public const int MinSteps = 4;

    /// <summary>Largest coefficient of variation of the intervals between steps for a reference (a regular bounce).</summary>
    public const double MaxIntervalVariation = 0.15;

    private static readonly BodyPart[][] Heights =
    [
        [BodyPart.LeftHip, BodyPart.RightHip],
        [BodyPart.LeftShoulder, BodyPart.RightShoulder],
        [BodyPart.Nose],
    ];

    /// <summary>Steps a minute counted from the torso's bounce; null when no bounce is regular enough to count.</summary>
    public static double? StepsPerMinute(IReadOnlyList<PoseObservation> observations, float minScore = 0.3f)
    {
        ArgumentNullException.ThrowIfNull(observations);
        Count? best = null;
        foreach (var parts in Heights)
        {
            if (CountBounces(observations, parts, minScore) is { } count && (best is null || count.Variation < best.Value.Variation))
            {
                best = count;
            }
        }
        return best is { } b && b.Steps >= MinSteps && b.Variation <= MaxIntervalVariation ? b.PerMinute : null;
    }

    /// <summary>Each value's mean with its <paramref name="half"/> neighbours on either side (fewer at the ends).</summary>
    private static double[] CentredMean(IReadOnlyList<double> values, int half)
    {
        var mean = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var from = Math.Max(0, i - half);
            var to = Math.Min(values.Count - 1, i + half);
            var sum = 0.0;
            for (var j = from; j <= to; j++)
            {
                sum += values[j];
            }
            mean[i] = sum / (to - from + 1);
        }
        return mean;
    }

    private readonly record struct Count(double PerMinute, double Variation, int Steps);

    private static Count? CountBounces(IReadOnlyList<PoseObservation> observations, BodyPart[] parts, float minScore)
    {
        var t = new List<double>();
        var y = new List<double>();
        foreach (var o in observations)
        {
            if (o.Pose is { } p && parts.All(part => p[part].Score >= minScore))
            {
                t.Add(o.TimeSeconds);
                y.Add(parts.Average(part => (double)p[part].Position.Y));
            }
        }
        if (t.Count < 20)
        {
            return null;
        }
        var dt = (t[^1] - t[0]) / (t.Count - 1);
        var trend = CentredMean(y, Math.Max(1, (int)Math.Round(0.5 / dt)));
        var smoothed = CentredMean(y.Select((v, i) => v - trend[i]).ToArray(), 1);
        var peaks = new List<double>();
        for (var i = 1; i < smoothed.Length - 1; i++)
        {
            if (smoothed[i] > 0 && smoothed[i] >= smoothed[i - 1] && smoothed[i] > smoothed[i + 1]
                && (peaks.Count == 0 || t[i] - peaks[^1] >= 0.2))
            {
                peaks.Add(t[i]);
            }
        }
        if (peaks.Count < 2 || peaks[^1] <= peaks[0])
        {
            return null;
        }
        var intervals = peaks.Zip(peaks.Skip(1), (a, b) => b - a).ToArray();
        var mean = intervals.Average();
        var variation = Math.Sqrt(intervals.Average(v => (v - mean) * (v - mean))) / mean;
        return new Count(60 * (peaks.Count - 1) / (peaks[^1] - peaks[0]), variation, peaks.Count);
    }
}
