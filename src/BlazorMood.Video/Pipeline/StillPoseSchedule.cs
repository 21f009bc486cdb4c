using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>
/// Decides which sampled frames get a pose estimate. While the followed person is still — every keypoint confident in
/// two consecutive estimates moved less than <see cref="VideoOptions.StillDisplacement"/> torso lengths between them —
/// only every <see cref="VideoOptions.PoseEveryFramesWhenStill"/>-th frame is estimated; the frames in between are held
/// until the next estimate and then get keypoints interpolated between the two, but only if the person is still
/// still by then. If they moved in the meantime the held frames are estimated after all (<see cref="OnEstimated"/>
/// returns false), so a frame is interpolated only between two estimates that nearly agree, and every movement
/// faster than the threshold — a stride, a jump, a squat — is sampled at the full rate. Standing, sitting or lying
/// people cost about half as much. One instance per clip, used by one stage.
/// </summary>
internal sealed class StillPoseSchedule
{
    private readonly int _every;
    private readonly float _stillDisplacement;
    private readonly float _minKeypointScore;
    private BodyPose? _last;
    private int _held;

    public StillPoseSchedule(int poseEveryFramesWhenStill, float stillDisplacement, float minKeypointScore)
    {
        _every = Math.Max(1, poseEveryFramesWhenStill);
        _stillDisplacement = stillDisplacement;
        _minKeypointScore = minKeypointScore;
    }

    /// <summary>True while the last two estimates agreed (the person is still).</summary>
    public bool IsStill { get; private set; }

    /// <summary>Frames skipped since the last estimate, waiting for the next one.</summary>
    public int Held => _held;

    /// <summary>
    /// Whether the next frame may go without an estimate. <paramref name="mustEstimate"/> forces one (a detector frame).
    /// A true answer counts the frame as held: it must be resolved by the next <see cref="OnEstimated"/>.
    /// </summary>
    public bool TrySkip(bool mustEstimate)
    {
        if (mustEstimate || !IsStill || _last is null || _held >= _every - 1)
        {
            return false;
        }
        _held++;
        return true;
    }

    /// <summary>
    /// Records the estimate of a frame (null: no person). Returns true when the held frames before it may take
    /// interpolated keypoints (this estimate agrees with the previous one), false when they must be estimated.
    /// </summary>
    public bool OnEstimated(BodyPose? pose)
    {
        IsStill = _last is not null && pose is not null && Displacement(_last, pose, _minKeypointScore) < _stillDisplacement;
        var interpolate = _held > 0 && IsStill;
        _last = pose;
        _held = 0;
        return interpolate;
    }

    /// <summary>
    /// The largest movement of a keypoint confident in both poses, in torso lengths (shoulder midpoint to hip
    /// midpoint; a third of the keypoints' extent when no torso is visible). Infinite when the poses cannot be
    /// compared: different orientations, fewer than three common keypoints, or no body scale.
    /// </summary>
    public static double Displacement(BodyPose a, BodyPose b, float minScore)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.RotationDegrees != b.RotationDegrees || a.Keypoints.Count != b.Keypoints.Count)
        {
            return double.PositiveInfinity;
        }
        var scale = (BodyScale(a, minScore) + BodyScale(b, minScore)) / 2;
        if (!(scale > 1e-3))
        {
            return double.PositiveInfinity;
        }
        var common = 0;
        double largest = 0;
        for (var i = 0; i < a.Keypoints.Count; i++)
        {
            var (ka, kb) = (a.Keypoints[i], b.Keypoints[i]);
            if (ka.Score >= minScore && kb.Score >= minScore)
            {
                common++;
                largest = Math.Max(largest, ka.Position.DistanceTo(kb.Position));
            }
        }
        return common >= 3 ? largest / scale : double.PositiveInfinity;
    }

    private static double BodyScale(BodyPose p, float minScore)
    {
        static ImagePoint? Mid(PoseKeypoint l, PoseKeypoint r, float min) =>
            l.Score >= min && r.Score >= min ? new ImagePoint((l.Position.X + r.Position.X) / 2, (l.Position.Y + r.Position.Y) / 2)
            : l.Score >= min ? l.Position
            : r.Score >= min ? r.Position
            : null;
        if (Mid(p[BodyPart.LeftShoulder], p[BodyPart.RightShoulder], minScore) is { } s && Mid(p[BodyPart.LeftHip], p[BodyPart.RightHip], minScore) is { } h)
        {
            var torso = s.DistanceTo(h);
            if (torso > 1e-3)
            {
                return torso;
            }
        }
        var confident = p.Keypoints.Where(k => k.Score >= minScore).Select(k => k.Position).ToArray();
        if (confident.Length < 3)
        {
            return double.NaN;
        }
        var dx = confident.Max(q => q.X) - confident.Min(q => q.X);
        var dy = confident.Max(q => q.Y) - confident.Min(q => q.Y);
        return Math.Sqrt((dx * dx) + (dy * dy)) / 3;
    }

    /// <summary>
    /// The pose a <paramref name="fraction"/> of the way from <paramref name="a"/> to <paramref name="b"/>: positions
    /// interpolated linearly, each keypoint's score the lower of the two (a point missing at either end stays missing).
    /// </summary>
    public static BodyPose Interpolate(BodyPose a, BodyPose b, double fraction)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var f = (float)Math.Clamp(fraction, 0, 1);
        var keypoints = new PoseKeypoint[a.Keypoints.Count];
        float total = 0;
        for (var i = 0; i < keypoints.Length; i++)
        {
            var (ka, kb) = (a.Keypoints[i], b.Keypoints[i]);
            var score = Math.Min(ka.Score, kb.Score);
            keypoints[i] = new PoseKeypoint(ka.Part, Lerp(ka.Position, kb.Position, f), score);
            total += score;
        }
        return new BodyPose(Lerp(a.Crop, b.Crop, f), a.RotationDegrees, keypoints.Length == 0 ? 0 : total / keypoints.Length, keypoints);
    }

    /// <summary>A box between two boxes; the one that exists when the other does not.</summary>
    public static ImageBox? InterpolateBox(ImageBox? a, ImageBox? b, double fraction)
    {
        if (a is not { } x)
        {
            return b;
        }
        if (b is not { } y)
        {
            return a;
        }
        return Lerp(x, y, (float)Math.Clamp(fraction, 0, 1));
    }

    private static ImageBox Lerp(ImageBox a, ImageBox b, float f) =>
        ImageBox.FromCorners(a.X + ((b.X - a.X) * f), a.Y + ((b.Y - a.Y) * f), a.Right + ((b.Right - a.Right) * f), a.Bottom + ((b.Bottom - a.Bottom) * f));

    private static ImagePoint Lerp(ImagePoint a, ImagePoint b, float f) => new(a.X + ((b.X - a.X) * f), a.Y + ((b.Y - a.Y) * f));
}
