using static BlazorMood.Video.Signal;

namespace BlazorMood.Video;

/// <summary>
/// Flags falls in a keypoint track: moments where an upright body is, within <see cref="MaxFallSeconds"/>, down
/// (torso near horizontal, or hips dropped by more than <see cref="MinHipDropTorsos"/> torso lengths of the upright
/// body: a fall towards the camera keeps the torso vertical in the image) and stays down. A rule rather than a window
/// class because a fall lasts under a second, a quarter of a window, and the public falling clips come from four
/// sources only: too few to learn a class from, enough to measure a rule on. Speed is what separates a fall from
/// sitting or lying down on purpose, and staying down what separates it from a squat or a jump.
/// </summary>
public static class FallDetector
{
    /// <summary>Longest time from upright to down that counts as a fall (lying down on purpose takes longer).</summary>
    public const double MaxFallSeconds = 0.8;

    /// <summary>Torso angle to the image vertical under which the body is upright, degrees.</summary>
    public const double UprightDegrees = 35;

    /// <summary>Torso angle above which the body is down, degrees.</summary>
    public const double DownDegrees = 60;

    /// <summary>Hip drop, in upright torso lengths, that counts as down even with a vertical torso.</summary>
    public const double MinHipDropTorsos = 1.0;

    /// <summary>How long the body must stay down after the fall where it is seen, seconds (a squat or a bow comes straight back up).</summary>
    public const double StayDownSeconds = 0.8;

    /// <summary>Times (seconds) at which a fall ends, at most one a <see cref="MaxFallSeconds"/> + <see cref="StayDownSeconds"/>.</summary>
    public static IReadOnlyList<double> Detect(IReadOnlyList<PoseObservation> observations, float minKeypointScore)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var frames = observations.Select(o => FrameGeometry.Of(o, minKeypointScore)).Where(f => f.HasTorso).ToArray();
        // Smoothed over three frames so that one bad pose neither makes nor breaks a fall.
        var angle = Smooth(frames.Select(f => f.TorsoAngle).ToArray());
        var hipY = Smooth(frames.Select(f => (double)f.Centre!.Value.Y).ToArray());
        if (frames.Length < 3)
        {
            return [];
        }
        // Hip drop in lengths of the whole torso: a torso seen end-on (someone facing the camera in a plank) is short
        // in the image, and dividing by it would turn a small movement into a long drop.
        var torso = Percentile(frames.Select(f => f.TorsoLength), 90);
        var falls = new List<double>();
        for (var i = 0; i < frames.Length; i++)
        {
            if (!IsUpright(i) || (i > 0 && !IsUpright(i - 1)))
            {
                continue;
            }
            for (var j = i + 1; j + 1 < frames.Length && frames[j].Time - frames[i].Time <= MaxFallSeconds; j++)
            {
                if (!IsDown(j) || !IsDown(j + 1))
                {
                    continue;
                }
                // Staying down: most posed frames of the next StayDownSeconds are down. People on the floor are often
                // not found at all; missing frames (or the end of the clip) do not count against the fall.
                var after = Enumerable.Range(j, frames.Length - j).TakeWhile(k => frames[k].Time - frames[j].Time <= StayDownSeconds).ToArray();
                if (after.Count(IsDown) >= 0.75 * after.Length)
                {
                    falls.Add(frames[j].Time);
                    i = after[^1];
                }
                break;
            }

            // Upright: the torso near vertical and seen at nearly its whole length (a torso seen end-on, someone in a
            // plank facing the camera, has an angle that is mostly noise).
            bool IsUpright(int k) => angle[k] < UprightDegrees && frames[k].TorsoLength >= 0.6 * torso;

            bool IsDown(int k) => angle[k] > DownDegrees || (hipY[k] - hipY[i]) / torso > MinHipDropTorsos;
        }
        return falls;
    }

    private static double[] Smooth(double[] x) =>
        x.Select((_, i) => Median(x.Skip(Math.Max(0, i - 1)).Take(i == 0 ? 2 : 3))).ToArray();
}
