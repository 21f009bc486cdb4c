using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Vision;

/// <summary>
/// Finds a face of a stream again on the next frame, where it was a moment ago: BlazeFace's 128×128 front-camera
/// model (<c>blazeface-front.onnx</c>) runs on a square of <see cref="FaceTrackingOptions.RegionScale"/> × the face's
/// last box around that box, instead of the 256×256 model over the whole frame (the pattern of MediaPipe's face
/// pipelines: detect in full now and then, follow in between). The face then fills about half of the model's input,
/// the framing that model was made for, so a face too small for a whole-frame pass of it is still found. Thread-safe.
/// </summary>
public sealed class TrackingFaceDetector : IDisposable
{
    /// <summary>Farthest a face's centre may have moved, in box sides, to be taken in the wider square.</summary>
    private const float MaxWideShift = 1.5f;

    /// <summary>Largest change of a face's size (either way) to be taken in the wider square.</summary>
    private const float MaxWideSizeChange = 1.5f;

    private readonly FaceDetector _detector;
    private readonly FaceTrackingOptions _options;

    public TrackingFaceDetector(ModelSessionFactory sessions, IOptions<VisionOptions> options, ILogger<TrackingFaceDetector> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.FaceTracking;
        var inner = new FaceDetectorOptions
        {
            FileName = _options.FileName,
            Enabled = _options.Enabled,
            MinScore = _options.MinScore,
            IouThreshold = options.Value.FaceDetector.IouThreshold,
            // A few candidates in the square; Refind keeps the one that overlaps the old box most.
            MaxFaces = 4,
            WeightedNms = options.Value.FaceDetector.WeightedNms,
            Tiling = FaceTiling.Off,
        };
        _detector = new FaceDetector(sessions, inner, logger);
    }

    public FaceTrackingOptions Options => _options;

    /// <summary>
    /// The face near <paramref name="previous"/>'s box in <paramref name="frame"/>: of the faces found in the square
    /// around it, the one that overlaps the old box most, if by at least <see cref="FaceTrackingOptions.MinOverlap"/>;
    /// otherwise, with <see cref="FaceTrackingOptions.WideRegionScale"/>, the face of about the same size nearest the old
    /// centre in a wider square; otherwise null (the face turned away, left or moved further still).
    /// </summary>
    public DetectedFace? Refind(RgbFrame frame, DetectedFace previous, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var box = previous.Box;
        var side = Math.Max(box.Width, box.Height) * _options.RegionScale;
        if (!(side >= 8))
        {
            return null;
        }
        var centre = box.Center;
        DetectedFace? best = null;
        var bestOverlap = _options.MinOverlap;
        foreach (var face in _detector.DetectInSquare(frame, centre.X, centre.Y, side, _detector.Options.MaxFaces, cancellationToken))
        {
            var overlap = face.Box.IntersectionOverUnion(box);
            if (overlap >= bestOverlap)
            {
                best = face;
                bestOverlap = overlap;
            }
        }
        return best ?? RefindFurther(frame, box, cancellationToken);
    }

    /// <summary>The second, wider look of <see cref="Refind"/>: identity by size and distance, since a face that moved this far no longer overlaps its old box.</summary>
    private DetectedFace? RefindFurther(RgbFrame frame, ImageBox box, CancellationToken cancellationToken)
    {
        if (_options.WideRegionScale <= _options.RegionScale)
        {
            return null;
        }
        var size = Math.Max(box.Width, box.Height);
        var centre = box.Center;
        DetectedFace? best = null;
        var bestShift = MaxWideShift;
        foreach (var face in _detector.DetectInSquare(frame, centre.X, centre.Y, size * _options.WideRegionScale, _detector.Options.MaxFaces, cancellationToken))
        {
            var ratio = Math.Max(face.Box.Width, face.Box.Height) / size;
            var shift = face.Box.Center.DistanceTo(centre) / size;
            if (ratio is >= 1 / MaxWideSizeChange and <= MaxWideSizeChange && shift <= bestShift)
            {
                best = face;
                bestShift = shift;
            }
        }
        return best;
    }

    public void Dispose() => _detector.Dispose();
}
