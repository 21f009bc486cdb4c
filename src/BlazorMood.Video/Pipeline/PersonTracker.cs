using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>
/// Follows one person (the main one) through a clip. On detector frames the detection that overlaps the followed
/// box best (IoU, or a nearby centre when the box changed shape) continues the track; between detector runs the box
/// follows the person's own pose (the confident keypoints' extent, grown a little), which is cheaper than detecting
/// and sticks to the same body. A track lost for several detector runs is re-acquired on the most prominent person.
/// One instance per clip.
/// </summary>
public sealed class PersonTracker
{
    private const int MaxMissedDetections = 3;
    private const float MinIou = 0.2f;
    private ImageBox? _box;
    private int _missed;

    public ImageBox? Current => _box;

    public ImageBox? OnDetections(IReadOnlyList<DetectedObject> persons)
    {
        ArgumentNullException.ThrowIfNull(persons);
        if (persons.Count == 0)
        {
            if (++_missed > MaxMissedDetections)
            {
                _box = null;
            }
            return _box;
        }
        if (_box is { } current)
        {
            var diag = MathF.Sqrt((current.Width * current.Width) + (current.Height * current.Height));
            var match = persons
                .Select(p => (p, iou: p.Box.IntersectionOverUnion(current), dist: p.Box.Center.DistanceTo(current.Center)))
                .Where(m => m.iou >= MinIou || m.dist < 0.35f * diag)
                .OrderByDescending(m => m.iou - (m.dist / Math.Max(1, diag)))
                .Select(m => m.p)
                .FirstOrDefault();
            if (match is not null)
            {
                _missed = 0;
                _box = match.Box;
                return _box;
            }
            if (++_missed <= MaxMissedDetections)
            {
                return _box;
            }
        }
        // Most prominent: large and confident (a sqrt keeps a big faint box from beating a clear person).
        _box = persons.MaxBy(p => p.Score * MathF.Sqrt(p.Box.Area))!.Box;
        _missed = 0;
        return _box;
    }

    /// <summary>Moves the box onto the pose just estimated (at least 5 confident keypoints), so the next crop follows the body.</summary>
    public void OnPose(BodyPose pose, float minScore, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(pose);
        var points = pose.Keypoints.Where(k => k.Score >= minScore).Select(k => k.Position).ToArray();
        if (points.Length < 5)
        {
            return;
        }
        var box = ImageBox.FromCorners(points.Min(p => p.X), points.Min(p => p.Y), points.Max(p => p.X), points.Max(p => p.Y));
        // Keypoints sit inside the body outline: grow by a fifth each way (head top, feet, hands).
        var gx = Math.Max(box.Width, box.Height * 0.3f) * 0.2f;
        var gy = box.Height * 0.2f;
        var grown = ImageBox.FromCorners(box.X - gx, box.Y - gy, box.Right + gx, box.Bottom + gy).ClampTo(width, height);
        if (grown.Area > 0)
        {
            _box = grown;
        }
    }

    public void Reset()
    {
        _box = null;
        _missed = 0;
    }
}
