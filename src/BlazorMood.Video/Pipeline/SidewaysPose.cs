using System.Buffers;
using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>How the person's region was turned before MoveNet saw it (the keypoints are always turned back).</summary>
internal enum PoseTurn
{
    None,
    Clockwise,
    Anticlockwise,
}

/// <summary>
/// Pose for people who may be on their side. MoveNet was trained on upright people; on a lying person it often
/// scores just well enough that its own rotation retry is not tried, yet misses the hips. When the person's region is
/// wider than tall, or the torso was not found, the region is also cut out, turned 90° each way and estimated upright;
/// the keypoints are turned back (also while the previous frame's pose was sideways: a followed box can turn tall), and a rotated view wins with a confident torso and a clearly better score (or any
/// plausible score when the upright view found no torso at all).
/// </summary>
internal static class SidewaysPose
{
    private const float WinMargin = 0.05f;
    // Without an upright torso, any rotated view that finds one is better than none, if it is not noise.
    private const float MinCandidateScore = 0.25f;

    public static BodyPose Estimate(PoseEstimator poses, RgbFrame frame, ImageBox? box, float minKeypointScore, bool wasSideways, CancellationToken ct) =>
        EstimateWithTurn(poses, frame, box, minKeypointScore, wasSideways, null, ct).Pose;

    /// <summary>
    /// As <see cref="Estimate"/>, also telling which way the person's region was turned for the winning view.
    /// <paramref name="upright"/>: the upright estimate of the same box when the caller already has it.
    /// </summary>
    public static (BodyPose Pose, PoseTurn Turn) EstimateWithTurn(PoseEstimator poses, RgbFrame frame, ImageBox? box, float minKeypointScore, bool wasSideways, BodyPose? upright, CancellationToken ct)
    {
        var pose = upright ?? poses.Estimate(frame, box, ct);
        var turn = PoseTurn.None;
        var region = Region(frame, box);
        var torso = HasTorso(pose, minKeypointScore);
        if ((region.Width <= region.Height && torso && !wasSideways) || region.Width < 8 || region.Height < 8)
        {
            return (pose, turn);
        }
        foreach (var clockwise in (ReadOnlySpan<bool>)[true, false])
        {
            var candidate = EstimateRotated(poses, frame, region, clockwise, ct);
            if (HasTorso(candidate, minKeypointScore) && (candidate.Score > pose.Score + WinMargin || (!torso && candidate.Score >= MinCandidateScore)))
            {
                pose = candidate;
                torso = true;
                turn = clockwise ? PoseTurn.Clockwise : PoseTurn.Anticlockwise;
            }
        }
        return (pose, turn);
    }

    /// <summary>One view only: the person's box (the whole frame when null) as it is, or its region turned 90° one way.</summary>
    public static BodyPose EstimateTurned(PoseEstimator poses, RgbFrame frame, ImageBox? box, PoseTurn turn, CancellationToken ct)
    {
        if (turn == PoseTurn.None)
        {
            return poses.Estimate(frame, box, ct);
        }
        var region = Region(frame, box);
        return region.Width < 8 || region.Height < 8
            ? poses.Estimate(frame, box, ct)
            : EstimateRotated(poses, frame, region, turn == PoseTurn.Clockwise, ct);
    }

    public static bool HasTorso(BodyPose p, float min) =>
        (p[BodyPart.LeftShoulder].Score >= min || p[BodyPart.RightShoulder].Score >= min) &&
        (p[BodyPart.LeftHip].Score >= min || p[BodyPart.RightHip].Score >= min);

    /// <summary>Whether the region the person would be turned within is wider than tall (someone lying, or a group).</summary>
    public static bool IsWide(RgbFrame frame, ImageBox? box)
    {
        var region = Region(frame, box);
        return region.Width > region.Height;
    }

    private static ImageBox Region(RgbFrame frame, ImageBox? box) =>
        Grow(box ?? new ImageBox(0, 0, frame.Width, frame.Height), 0.1f).ClampTo(frame.Width, frame.Height);

    private static ImageBox Grow(ImageBox b, float f) =>
        ImageBox.FromCorners(b.X - (b.Width * f), b.Y - (b.Height * f), b.Right + (b.Width * f), b.Bottom + (b.Height * f));

    private static BodyPose EstimateRotated(PoseEstimator poses, RgbFrame frame, ImageBox region, bool clockwise, CancellationToken ct)
    {
        var x0 = (int)region.X;
        var y0 = (int)region.Y;
        var cw = Math.Max(1, Math.Min(frame.Width - x0, (int)region.Width));
        var ch = Math.Max(1, Math.Min(frame.Height - y0, (int)region.Height));
        // Rotated crop: ch wide, cw high.
        var buffer = ArrayPool<byte>.Shared.Rent(cw * ch * 3);
        try
        {
            var src = frame.Bytes;
            for (var ry = 0; ry < cw; ry++)
            {
                for (var rx = 0; rx < ch; rx++)
                {
                    // Clockwise: rotated (rx, ry) shows source (ry, ch-1-rx); anticlockwise: (cw-1-ry, rx).
                    var (sx, sy) = clockwise ? (ry, ch - 1 - rx) : (cw - 1 - ry, rx);
                    var s = (((y0 + sy) * frame.Width) + x0 + sx) * 3;
                    var d = ((ry * ch) + rx) * 3;
                    buffer[d] = src[s];
                    buffer[d + 1] = src[s + 1];
                    buffer[d + 2] = src[s + 2];
                }
            }
            var rotated = poses.Estimate(new RgbFrame(buffer.AsMemory(0, cw * ch * 3), ch, cw), null, ct);
            var keypoints = rotated.Keypoints.Select(k =>
            {
                var (rx, ry) = (k.Position.X, k.Position.Y);
                var (sx, sy) = clockwise ? (ry, ch - 1 - rx) : (cw - 1 - ry, rx);
                return k with { Position = new ImagePoint(x0 + sx, y0 + sy) };
            }).ToArray();
            return new BodyPose(region, clockwise ? 90 : 270, rotated.Score, keypoints);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
