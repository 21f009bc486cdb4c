using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>
/// A clip's pose track as numbers only (no pixels): the main person's 17 keypoints (x, y, score) per analysed frame,
/// the person box and bicycle boxes. Extracted once from development clips (<c>blazormood devdata tracks</c>) so that
/// training and evaluation do not re-run the vision models, and small enough to commit as test fixtures.
/// </summary>
public sealed record KeypointTrack(
    string Clip,
    string Source,
    string Label,
    double DurationSeconds,
    IReadOnlyList<KeypointTrackFrame> Frames)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static KeypointTrack From(string clip, string source, string label, double durationSeconds, IEnumerable<PoseObservation> observations) =>
        new(clip, source, label, durationSeconds, observations.Select(o => new KeypointTrackFrame(
            Math.Round(o.TimeSeconds, 3),
            o.Pose?.Keypoints.SelectMany(k => new[] { MathF.Round(k.Position.X, 1), MathF.Round(k.Position.Y, 1), MathF.Round(k.Score, 3) }).ToArray(),
            o.PersonBox is { } b ? [MathF.Round(b.X, 1), MathF.Round(b.Y, 1), MathF.Round(b.Width, 1), MathF.Round(b.Height, 1)] : null,
            o.Bicycles.Count > 0 ? o.Bicycles.Select(c => new[] { MathF.Round(c.X, 1), MathF.Round(c.Y, 1), MathF.Round(c.Width, 1), MathF.Round(c.Height, 1) }).ToArray() : null)).ToArray());

    /// <summary>The observations the classifier takes.</summary>
    public IReadOnlyList<PoseObservation> ToObservations() => Frames.Select(f =>
    {
        BodyPose? pose = null;
        if (f.Keypoints is { Length: 51 } k)
        {
            var points = Enumerable.Range(0, 17).Select(i => new PoseKeypoint((BodyPart)i, new ImagePoint(k[i * 3], k[(i * 3) + 1]), k[(i * 3) + 2])).ToArray();
            var xs = points.Select(p => p.Position.X).ToArray();
            var ys = points.Select(p => p.Position.Y).ToArray();
            pose = new BodyPose(ImageBox.FromCorners(xs.Min(), ys.Min(), xs.Max(), ys.Max()), 0, points.Average(p => p.Score), points);
        }
        ImageBox? box = f.Box is { Length: 4 } b ? new ImageBox(b[0], b[1], b[2], b[3]) : null;
        var bikes = f.Bicycles?.Where(c => c.Length == 4).Select(c => new ImageBox(c[0], c[1], c[2], c[3])).ToArray() ?? [];
        return new PoseObservation(f.T, pose, box, bikes);
    }).ToArray();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static KeypointTrack FromJson(string json) =>
        JsonSerializer.Deserialize<KeypointTrack>(json, Json) ?? throw new JsonException("empty keypoint track");
}

/// <summary>One analysed frame: time, 51 numbers (x, y, score of each keypoint) or null when nobody was found, boxes as x, y, w, h.</summary>
public sealed record KeypointTrackFrame(double T, float[]? Keypoints, float[]? Box, float[][]? Bicycles);
