using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlazorMood.Vision;

/// <summary>One face with its emotion.</summary>
/// <param name="Box">Face box in source-image pixels.</param>
/// <param name="Score">Face detector confidence 0..1.</param>
/// <param name="Landmarks">Eyes, nose, mouth, ears.</param>
/// <param name="Emotion">Most probable emotion.</param>
/// <param name="Confidence">Probability of <paramref name="Emotion"/>.</param>
/// <param name="Probabilities">All seven probabilities keyed by lower-case label ("angry" … "neutral").</param>
public sealed record FaceEmotion(
    ImageBox Box,
    float Score,
    FaceLandmarks Landmarks,
    Emotion Emotion,
    float Confidence,
    IReadOnlyDictionary<string, float> Probabilities)
{
    /// <summary>Lower-case label of <see cref="Emotion"/>.</summary>
    public string Label => Emotion.Name();
}

/// <summary>Wall-clock time of each stage, in milliseconds (0 for a stage that did not run).</summary>
public sealed record AnalysisTimings(double DecodeMs, double DetectMs, double ClassifyMs, double TotalMs);

/// <summary>The result of <see cref="EmotionAnalyzer"/>: faces best first.</summary>
public sealed record EmotionAnalysis(int ImageWidth, int ImageHeight, IReadOnlyList<FaceEmotion> Faces, AnalysisTimings Timings)
{
    /// <summary>Faces of <see cref="Faces"/> that kept the emotion of the stream's previous frame (see <see cref="EmotionReuseMemory"/>).</summary>
    public int ReusedFaces { get; init; }

    /// <summary>
    /// Share of the picture (0..1) that moved since the stream's previous frame, when the caller passed its
    /// <see cref="MotionMeter"/> and there was a previous frame of the same size; otherwise null.
    /// </summary>
    public float? Motion { get; init; }

    /// <summary>True when the picture was still and the stream kept its previous frame's faces without running the detector.</summary>
    public bool DetectionSkipped => FaceSource == FaceSource.Kept;

    /// <summary>How this frame's faces were found: a whole-frame detection, the stream's tracking detector, or kept from a still picture.</summary>
    public FaceSource FaceSource { get; init; }

    /// <summary>The best-scoring face, or null when none was found.</summary>
    public FaceEmotion? PrimaryFace => Faces.Count > 0 ? Faces[0] : null;
}

/// <summary>
/// The one-call path for the web API, the live hub, the evaluation CLI and the benchmark:
/// (decode →) detect faces → classify each face's emotion with both models → learned fusion →
/// <see cref="EmotionAnalysis"/>. With face-api's model or the fusion disabled, Human's model alone decides. A stream
/// (the live hub) may pass its <see cref="EmotionReuseMemory"/>, so that a face that barely moved since the previous
/// frame keeps that frame's emotion every other frame instead of being classified again.
/// Thread-safe singleton.
/// </summary>
public sealed class EmotionAnalyzer
{
    private readonly FaceDetector _detector;
    private readonly EmotionClassifier _classifier;
    private readonly FaceExpressionClassifier? _faceExpression;
    private readonly EmotionFusion? _fusion;
    private readonly ImageDecoder _decoder;
    private readonly ILogger<EmotionAnalyzer> _logger;
    private readonly EmotionReuseOptions _reuse;
    private readonly TrackingFaceDetector? _tracker;

    public EmotionAnalyzer(FaceDetector detector, EmotionClassifier classifier, ImageDecoder decoder, ILogger<EmotionAnalyzer> logger)
        : this(detector, classifier, null, null, decoder, logger)
    {
    }

    /// <summary>Both models and their fusion; either of the two optional parts missing means Human's model alone.</summary>
    public EmotionAnalyzer(FaceDetector detector, EmotionClassifier classifier, FaceExpressionClassifier? faceExpression, EmotionFusion? fusion,
        ImageDecoder decoder, ILogger<EmotionAnalyzer> logger, EmotionReuseOptions? reuse = null, TrackingFaceDetector? tracker = null)
    {
        _reuse = reuse ?? new EmotionReuseOptions();
        _tracker = tracker;
        _detector = detector;
        _classifier = classifier;
        _faceExpression = fusion is null ? null : faceExpression;
        _fusion = faceExpression is null ? null : fusion;
        _decoder = decoder;
        _logger = logger;
    }

    /// <summary>True when both models run and their outputs are fused.</summary>
    public bool Fused => _fusion is not null;

    /// <summary>Analyses an encoded JPEG/PNG/WebP; throws <see cref="ImageDecodeException"/> for bad input.</summary>
    public EmotionAnalysis Analyze(ReadOnlyMemory<byte> encodedImage, int? maxFaces = null, CancellationToken cancellationToken = default) =>
        Analyze(encodedImage, null, maxFaces, cancellationToken);

    /// <summary>
    /// Analyses one encoded frame of a stream; <paramref name="reuse"/> (the stream's own, or null) lets faces that
    /// barely moved keep the previous frame's emotion (<see cref="EmotionReuseOptions"/>).
    /// Throws <see cref="ImageDecodeException"/> for bad input.
    /// </summary>
    public EmotionAnalysis Analyze(ReadOnlyMemory<byte> encodedImage, EmotionReuseMemory? reuse, int? maxFaces = null, CancellationToken cancellationToken = default) =>
        Analyze(encodedImage, reuse, null, maxFaces, cancellationToken);

    /// <summary>
    /// Analyses one encoded frame of a stream as above, and measures with the stream's <paramref name="motion"/> meter
    /// how much of the picture moved since its previous frame (<see cref="EmotionAnalysis.Motion"/>), from the same
    /// decoded pixels in memory. Throws <see cref="ImageDecodeException"/> for bad input.
    /// </summary>
    public EmotionAnalysis Analyze(ReadOnlyMemory<byte> encodedImage, EmotionReuseMemory? reuse, MotionMeter? motion, int? maxFaces = null,
        CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        using var image = _decoder.Decode(encodedImage);
        var decodeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var frame = RgbFrame.FromImage(image);
        // Measured first: a still picture may let the stream keep its previous frame's faces without the detector.
        var moved = motion?.Measure(frame);
        var analysis = Analyze(frame, maxFaces, decodeMs, start, reuse, motion, moved, cancellationToken);
        return motion is null ? analysis : analysis with { Motion = moved };
    }

    /// <summary>Reads and analyses an encoded JPEG/PNG/WebP stream; throws <see cref="ImageDecodeException"/> for bad input.</summary>
    public async Task<EmotionAnalysis> AnalyzeAsync(Stream encodedImage, int? maxFaces = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        using var image = await _decoder.DecodeAsync(encodedImage, cancellationToken);
        var decodeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return Analyze(RgbFrame.FromImage(image), maxFaces, decodeMs, start, null, null, null, cancellationToken);
    }

    /// <summary>Analyses a decoded image.</summary>
    public EmotionAnalysis Analyze(Image<Rgb24> image, int? maxFaces = null, CancellationToken cancellationToken = default) =>
        Analyze(RgbFrame.FromImage(image), maxFaces, cancellationToken);

    /// <summary>Analyses raw rgb24 pixels (e.g. a video frame).</summary>
    public EmotionAnalysis Analyze(RgbFrame frame, int? maxFaces = null, CancellationToken cancellationToken = default) =>
        Analyze(frame, maxFaces, 0, Stopwatch.GetTimestamp(), null, null, null, cancellationToken);

    private EmotionAnalysis Analyze(RgbFrame frame, int? maxFaces, double decodeMs, long start, EmotionReuseMemory? reuse,
        MotionMeter? motion, float? moved, CancellationToken cancellationToken)
    {
        var t0 = Stopwatch.GetTimestamp();
        var stillFaces = reuse is not null && _reuse.Enabled ? reuse.StillFaces(motion, moved, _reuse) : null;
        var trackedFaces = stillFaces is null && reuse is not null && _tracker is not null
            && reuse.FacesToFollow(_tracker.Options) is { } follow
                ? Follow(frame, follow, cancellationToken)
                : null;
        var faces = stillFaces ?? trackedFaces ?? _detector.Detect(frame, maxFaces ?? _detector.Options.MaxFaces, cancellationToken);
        var source = stillFaces is not null ? FaceSource.Kept : trackedFaces is not null ? FaceSource.Tracked : FaceSource.Detected;
        reuse?.RememberDetections(faces, source);
        var detectMs = source == FaceSource.Kept ? 0 : Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

        var t1 = Stopwatch.GetTimestamp();
        var (emotions, reusedCount) = reuse is not null && _reuse.Enabled
            ? ClassifyReusing(frame, faces, reuse, source == FaceSource.Tracked, cancellationToken)
            : (Classify(frame, faces, cancellationToken), 0);
        var classifyMs = faces.Count > 0 ? Stopwatch.GetElapsedTime(t1).TotalMilliseconds : 0;

        var results = new FaceEmotion[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            var e = emotions[i];
            results[i] = new FaceEmotion(f.Box, f.Score, f.Landmarks, e.Emotion, e.Confidence, e.Probabilities);
        }
        var timings = new AnalysisTimings(decodeMs, detectMs, classifyMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        _logger.LogDebug("Emotion analysis of {Width}x{Height}: {FaceCount} faces in {TotalMs:F1} ms (detect {DetectMs:F1}, classify {ClassifyMs:F1})",
            frame.Width, frame.Height, results.Length, timings.TotalMs, detectMs, classifyMs);
        return new EmotionAnalysis(frame.Width, frame.Height, results, timings) { ReusedFaces = reusedCount, FaceSource = source };
    }

    /// <summary>
    /// Each of <paramref name="previous"/> found again near its last box by the tracking detector; null when any is
    /// lost or two of them ran into the same face, so that the whole frame is searched instead.
    /// </summary>
    private List<DetectedFace>? Follow(RgbFrame frame, IReadOnlyList<DetectedFace> previous, CancellationToken cancellationToken)
    {
        var found = new List<DetectedFace>(previous.Count);
        foreach (var face in previous)
        {
            if (_tracker!.Refind(frame, face, cancellationToken) is not { } again)
            {
                return null;
            }
            foreach (var other in found)
            {
                if (other.Box.IntersectionOverUnion(again.Box) > _detector.Options.IouThreshold)
                {
                    return null;
                }
            }
            found.Add(again);
        }
        return found;
    }

    private (IReadOnlyList<EmotionPrediction> Emotions, int Reused) ClassifyReusing(RgbFrame frame, IReadOnlyList<DetectedFace> faces,
        EmotionReuseMemory reuse, bool tracked, CancellationToken cancellationToken)
    {
        if (_reuse.Staggered && _fusion is not null && _faceExpression is not null)
        {
            return ClassifyStaggered(frame, faces, reuse, tracked, cancellationToken);
        }
        var matches = reuse.Match(faces, _reuse);
        var toClassify = new List<DetectedFace>(faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            if (matches[i] is null)
            {
                toClassify.Add(faces[i]);
            }
        }
        var classified = toClassify.Count > 0 ? Classify(frame, toClassify, cancellationToken) : [];
        var emotions = new EmotionPrediction[faces.Count];
        var next = 0;
        for (var i = 0; i < faces.Count; i++)
        {
            emotions[i] = matches[i] is { } m ? m.Prediction : classified[next++];
        }
        reuse.Remember(faces, emotions, matches);
        return (emotions, faces.Count - toClassify.Count);
    }

    /// <summary>
    /// Staggered reuse (<see cref="EmotionReuseOptions.Staggered"/>): a face that barely moved since the previous frame
    /// refreshes one model view (Human's model, face-api's crop, face-api's mirrored crop, in turn) and is fused from the
    /// latest output of each; a new or moved face runs every view. A face the tracking detector followed
    /// (<paramref name="tracked"/>) is the same face however far it moved. With face-api's mirror averaging off there are two views.
    /// </summary>
    private (IReadOnlyList<EmotionPrediction> Emotions, int Reused) ClassifyStaggered(RgbFrame frame, IReadOnlyList<DetectedFace> faces,
        EmotionReuseMemory reuse, bool tracked, CancellationToken cancellationToken)
    {
        var faceApi = _faceExpression!;
        var mirrored = faceApi.Options.FlipAveraging;
        var viewCount = mirrored ? 3 : 2;
        var matches = reuse.Match(faces, _reuse, staggered: true, tracked);
        var views = new EmotionReuseMemory.ModelViews?[faces.Count];

        // New or moved faces: every view, in one call per model.
        var fresh = Enumerable.Range(0, faces.Count).Where(i => matches[i] is null).ToArray();
        if (fresh.Length > 0)
        {
            var freshFaces = fresh.Select(i => faces[i]).ToArray();
            var human = _classifier.Classify(frame, freshFaces, cancellationToken);
            var plain = faceApi.ClassifyView(frame, freshFaces, mirrored: false, cancellationToken);
            var mirror = mirrored ? faceApi.ClassifyView(frame, freshFaces, mirrored: true, cancellationToken) : null;
            for (var k = 0; k < fresh.Length; k++)
            {
                views[fresh[k]] = new EmotionReuseMemory.ModelViews(human[k], plain[k], mirror?[k], 0);
            }
        }
        // Faces that barely moved: the one view each is due for, grouped by view.
        for (var view = 0; view < viewCount; view++)
        {
            var due = Enumerable.Range(0, faces.Count).Where(i => matches[i]?.Views is { } v && v.Next % viewCount == view).ToArray();
            if (due.Length == 0)
            {
                continue;
            }
            var dueFaces = due.Select(i => faces[i]).ToArray();
            var outputs = view switch
            {
                0 => _classifier.Classify(frame, dueFaces, cancellationToken),
                1 => faceApi.ClassifyView(frame, dueFaces, mirrored: false, cancellationToken),
                _ => faceApi.ClassifyView(frame, dueFaces, mirrored: true, cancellationToken),
            };
            for (var k = 0; k < due.Length; k++)
            {
                var old = matches[due[k]]!.Value.Views!;
                var next = (view + 1) % viewCount;
                views[due[k]] = view switch
                {
                    0 => old with { Human = outputs[k], Next = next },
                    1 => old with { FaceApi = outputs[k], Next = next },
                    _ => old with { FaceApiMirrored = outputs[k], Next = next },
                };
            }
        }
        var emotions = new EmotionPrediction[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            var v = views[i]!;
            emotions[i] = _fusion!.Fuse(v.Human, v.FaceApiMirrored is { } m ? Mean(v.FaceApi, m) : v.FaceApi);
        }
        reuse.Remember(faces, emotions, matches, views);
        return (emotions, faces.Count - fresh.Length);
    }

    /// <summary>The mean of two predictions' probabilities (face-api's two views, as its mirror averaging takes them).</summary>
    private static EmotionPrediction Mean(EmotionPrediction a, EmotionPrediction b)
    {
        Span<float> p = stackalloc float[EmotionLabels.All.Count];
        for (var c = 0; c < p.Length; c++)
        {
            var label = EmotionLabels.All[c];
            p[c] = (a.Probabilities[label] + b.Probabilities[label]) / 2;
        }
        return EmotionPrediction.FromProbabilities(p);
    }

    /// <summary>Each face's emotion: both models, then the fusion; or Human's model alone.</summary>
    public IReadOnlyList<EmotionPrediction> Classify(RgbFrame frame, IReadOnlyList<DetectedFace> faces, CancellationToken cancellationToken = default)
    {
        var human = _classifier.Classify(frame, faces, cancellationToken);
        if (_fusion is null || _faceExpression is null || faces.Count == 0)
        {
            return human;
        }
        var faceApi = _faceExpression.Classify(frame, faces, cancellationToken);
        var fused = new EmotionPrediction[faces.Count];
        for (var i = 0; i < fused.Length; i++)
        {
            fused[i] = _fusion.Fuse(human[i], faceApi[i]);
        }
        return fused;
    }
}
