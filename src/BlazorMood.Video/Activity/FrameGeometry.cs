using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>Per-frame body geometry derived once from a pose: confident keypoints, torso midpoints, axis and length.</summary>
internal sealed class FrameGeometry
{
    private readonly ImagePoint?[] _points = new ImagePoint?[17];
    private IReadOnlyList<ImageBox> _bicycles = [];

    public double Time { get; private init; }

    public ImagePoint? ShoulderMid { get; private set; }

    public ImagePoint? HipMid { get; private set; }

    /// <summary>Hip midpoint, or the shoulder midpoint when the hips are hidden.</summary>
    public ImagePoint? Centre => HipMid ?? ShoulderMid;

    public bool HasTorso => ShoulderMid is not null && HipMid is not null && TorsoLength > 1e-3;

    public double TorsoLength { get; private set; }

    /// <summary>Unit vector from the shoulders to the hips (the body's "down").</summary>
    public (double X, double Y)? Down { get; private set; }

    /// <summary>Torso angle to the image vertical in degrees: 0 upright, 90 horizontal, 180 upside down.</summary>
    public double TorsoAngle { get; private set; } = double.NaN;

    public ImagePoint? Point(BodyPart part) => _points[(int)part];

    public static FrameGeometry Of(PoseObservation o, float minScore)
    {
        var g = new FrameGeometry { Time = o.TimeSeconds };
        g._bicycles = o.Bicycles;
        if (o.Pose is not { } pose)
        {
            return g;
        }
        foreach (var k in pose.Keypoints)
        {
            if (k.Score >= minScore && float.IsFinite(k.Position.X) && float.IsFinite(k.Position.Y))
            {
                g._points[(int)k.Part] = k.Position;
            }
        }
        g.ShoulderMid = Mid(g.Point(BodyPart.LeftShoulder), g.Point(BodyPart.RightShoulder));
        g.HipMid = Mid(g.Point(BodyPart.LeftHip), g.Point(BodyPart.RightHip));
        if (g.ShoulderMid is { } s && g.HipMid is { } h)
        {
            var dx = h.X - s.X;
            var dy = h.Y - s.Y;
            g.TorsoLength = Math.Sqrt((dx * dx) + (dy * dy));
            if (g.TorsoLength > 1e-3)
            {
                g.Down = (dx / g.TorsoLength, dy / g.TorsoLength);
                // Upright: the shoulders are above the hips, so the down vector points down the image (+y).
                g.TorsoAngle = Math.Atan2(Math.Abs(dx), dy) * 180 / Math.PI;
            }
        }
        return g;
    }

    /// <summary>Each visible thigh's extent along the body axis, in torso lengths: ≈0.85 standing, near 0 seated.</summary>
    public IEnumerable<double> ThighAlong()
    {
        if (Down is not { } d || !HasTorso)
        {
            yield break;
        }
        foreach (var (hip, knee) in new[] { (BodyPart.LeftHip, BodyPart.LeftKnee), (BodyPart.RightHip, BodyPart.RightKnee) })
        {
            if (Point(hip) is { } h && Point(knee) is { } k)
            {
                yield return (((k.X - h.X) * d.X) + ((k.Y - h.Y) * d.Y)) / TorsoLength;
            }
        }
    }

    /// <summary>A keypoint's position along the body axis from the shoulder midpoint, in torso lengths (0 shoulders, 1 hips, negative above the shoulders).</summary>
    public double? Along(BodyPart part) =>
        HasTorso && Down is { } d && Point(part) is { } p && ShoulderMid is { } s
            ? (((p.X - s.X) * d.X) + ((p.Y - s.Y) * d.Y)) / TorsoLength
            : null;

    /// <summary>A keypoint's position across the body axis from the shoulder midpoint, in torso lengths.</summary>
    public double? Across(BodyPart part) =>
        HasTorso && Down is { } d && Point(part) is { } p && ShoulderMid is { } s
            ? ((-(p.X - s.X) * d.Y) + ((p.Y - s.Y) * d.X)) / TorsoLength
            : null;

    /// <summary>Width over height of the box around the confident keypoints (NaN with fewer than four).</summary>
    public double ExtentAspect()
    {
        var pts = _points.Where(p => p is not null).Select(p => p!.Value).ToArray();
        if (pts.Length < 4)
        {
            return double.NaN;
        }
        var h = pts.Max(p => p.Y) - pts.Min(p => p.Y);
        return h > 1e-3 ? (pts.Max(p => p.X) - pts.Min(p => p.X)) / h : double.NaN;
    }

    /// <summary>Shoulder-to-shoulder distance over torso length: about 0.8 seen from the front, near 0 from the side.</summary>
    public double? ShoulderWidthRatio() =>
        HasTorso && Point(BodyPart.LeftShoulder) is { } l && Point(BodyPart.RightShoulder) is { } r ? l.DistanceTo(r) / TorsoLength : null;

    public IEnumerable<double> KneeAngles()
    {
        foreach (var (a, b, c) in new[] { (BodyPart.LeftHip, BodyPart.LeftKnee, BodyPart.LeftAnkle), (BodyPart.RightHip, BodyPart.RightKnee, BodyPart.RightAnkle) })
        {
            if (Angle(Point(a), Point(b), Point(c)) is { } angle)
            {
                yield return angle;
            }
        }
    }

    public IEnumerable<double> HipAngles()
    {
        foreach (var (a, b, c) in new[] { (BodyPart.LeftShoulder, BodyPart.LeftHip, BodyPart.LeftKnee), (BodyPart.RightShoulder, BodyPart.RightHip, BodyPart.RightKnee) })
        {
            if (Angle(Point(a), Point(b), Point(c)) is { } angle)
            {
                yield return angle;
            }
        }
    }

    /// <summary>The longer hip-to-ankle distance in pixels (NaN when no leg is visible).</summary>
    public double LongerLeg()
    {
        var best = double.NaN;
        foreach (var (hip, ankle) in new[] { (BodyPart.LeftHip, BodyPart.LeftAnkle), (BodyPart.RightHip, BodyPart.RightAnkle) })
        {
            if ((Point(hip) ?? HipMid) is { } h && Point(ankle) is { } a)
            {
                var d = h.DistanceTo(a);
                best = double.IsNaN(best) ? d : Math.Max(best, d);
            }
        }
        return best;
    }

    /// <summary>
    /// Whether a bicycle box covers the lower body: the region spanned by the visible hips, knees and ankles (grown
    /// by a third of a torso), at least 30% of it inside the bicycle.
    /// </summary>
    public bool BicycleUnderLegs(double scale)
    {
        if (_bicycles.Count == 0)
        {
            return false;
        }
        var legs = new[] { BodyPart.LeftHip, BodyPart.RightHip, BodyPart.LeftKnee, BodyPart.RightKnee, BodyPart.LeftAnkle, BodyPart.RightAnkle }
            .Select(Point).Where(p => p is not null).Select(p => p!.Value).ToArray();
        if (legs.Length < 2)
        {
            return false;
        }
        var pad = (float)(scale / 3);
        var region = ImageBox.FromCorners(legs.Min(p => p.X) - pad, legs.Min(p => p.Y) - pad, legs.Max(p => p.X) + pad, legs.Max(p => p.Y) + pad);
        foreach (var bike in _bicycles)
        {
            var w = Math.Min(region.Right, bike.Right) - Math.Max(region.X, bike.X);
            var h = Math.Min(region.Bottom, bike.Bottom) - Math.Max(region.Y, bike.Y);
            if (w > 0 && h > 0 && w * h >= 0.3 * region.Area)
            {
                return true;
            }
        }
        return false;
    }

    private static ImagePoint? Mid(ImagePoint? a, ImagePoint? b) => (a, b) switch
    {
        ({ } x, { } y) => ImagePoint.Midpoint(x, y),
        ({ } x, null) => x,
        (null, { } y) => y,
        _ => null,
    };

    /// <summary>Angle at <paramref name="b"/> between the segments to a and c, degrees (180 = straight).</summary>
    private static double? Angle(ImagePoint? a, ImagePoint? b, ImagePoint? c)
    {
        if (a is not { } p || b is not { } q || c is not { } r)
        {
            return null;
        }
        double ux = p.X - q.X, uy = p.Y - q.Y, vx = r.X - q.X, vy = r.Y - q.Y;
        var nu = Math.Sqrt((ux * ux) + (uy * uy));
        var nv = Math.Sqrt((vx * vx) + (vy * vy));
        if (nu < 1e-6 || nv < 1e-6)
        {
            return null;
        }
        return Math.Acos(Math.Clamp(((ux * vx) + (uy * vy)) / (nu * nv), -1, 1)) * 180 / Math.PI;
    }
}
