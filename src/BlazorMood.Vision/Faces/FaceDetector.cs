using System.Buffers;
using BlazorMood.Vision.Faces;
using BlazorMood.Vision.Imaging;
using BlazorMood.Vision.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlazorMood.Vision;

/// <summary>
/// BlazeFace face detector (896 anchors): the 256×256 "back camera" model for whole frames, or the 128×128 "front
/// camera" model that <see cref="TrackingFaceDetector"/> runs on a region around a known face. The image is letterboxed (padded to a square with black,
/// centred, as Human pads it) and scaled to [-1, 1]; box and landmark regressions are decoded against the anchors,
/// scores go through a sigmoid, overlapping candidates are merged (weighted NMS by default), and everything is
/// mapped back to source-image pixels. Thread-safe; one instance per process.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    private const int Regressors = 16;
    // Face width (in whole-image-pass input pixels) above which tiles add nothing; BlazeFace finds ≥ 20 px reliably.
    private const float TileMaxFaceInWholePass = 24;
    private const float TileExtraScore = 0.15f;

    private readonly OnnxModel _model;
    private readonly FaceDetectorOptions _options;
    private readonly ILogger _logger;
    private readonly int _inputSize;
    private readonly float[] _anchors;
    private readonly int _anchorCount;
    private readonly int _firstHead;
    // Output names in the order: scores of head 1, scores of head 2, regressors of head 1, regressors of head 2.
    private readonly string[] _outputNames;

    public FaceDetector(ModelSessionFactory sessions, IOptions<VisionOptions> options, ILogger<FaceDetector> logger)
        : this(sessions, options.Value.FaceDetector, logger)
    {
    }

    /// <summary>A detector on the model and settings of <paramref name="options"/> (the input side is read from the model: 128 or 256).</summary>
    internal FaceDetector(ModelSessionFactory sessions, FaceDetectorOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _model = new OnnxModel(sessions.Create(_options), sessions.ResolvePath(_options));
        try
        {
            var dims = _model.Input.Dimensions;
            _model.Require(dims.Length == 4 && dims[1] is 128 or 256 && dims[2] == dims[1] && dims[3] == 3, "input [1,256,256,3] or [1,128,128,3] float");
            _inputSize = dims[1];
            _anchors = BlazeFaceAnchors.Generate(_inputSize);
            _anchorCount = _anchors.Length / 2;
            // The first head is a 16×16 grid with 2 anchors per cell at either input size (stride 16 at 256, 8 at 128).
            _firstHead = 16 * 16 * 2;
            var secondHead = _anchorCount - _firstHead;
            string? Find(int rows, int cols) => _model.Session.OutputMetadata
                .Where(kv => kv.Value.Dimensions is [_, var r, var c] && r == rows && c == cols)
                .Select(kv => kv.Key).FirstOrDefault();
            var names = new[] { Find(_firstHead, 1), Find(secondHead, 1), Find(_firstHead, Regressors), Find(secondHead, Regressors) };
            _model.Require(names.All(n => n is not null), $"outputs [1,{_firstHead},1], [1,{secondHead},1], [1,{_firstHead},16], [1,{secondHead},16]");
            _outputNames = names!;
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    public FaceDetectorOptions Options => _options;

    /// <summary>Side of the model's square input in pixels (256 for the whole-frame model, 128 for the tracking one).</summary>
    public int InputSize => _inputSize;

    /// <summary>
    /// Faces inside the square of side <paramref name="side"/> centred on (<paramref name="centerX"/>,
    /// <paramref name="centerY"/>) in <paramref name="frame"/>'s pixels, best first, at most <paramref name="maxFaces"/>;
    /// the part of the square outside the frame reads black. One detector run.
    /// </summary>
    public IReadOnlyList<DetectedFace> DetectInSquare(RgbFrame frame, float centerX, float centerY, float side, int maxFaces, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(side);
        var candidates = new Candidates();
        using var reduced = new ReducedFrames(frame);
        RunPass(reduced, new Square(centerX - (side / 2), centerY - (side / 2), side), isTile: false, candidates, cancellationToken);
        return Merge(candidates, maxFaces);
    }

    /// <summary>Detects faces, best first, at most <see cref="FaceDetectorOptions.MaxFaces"/>.</summary>
    public IReadOnlyList<DetectedFace> Detect(Image<Rgb24> image, CancellationToken cancellationToken = default) =>
        Detect(RgbFrame.FromImage(image), _options.MaxFaces, cancellationToken);

    /// <summary>Detects faces, best first, at most <see cref="FaceDetectorOptions.MaxFaces"/>.</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbFrame frame, CancellationToken cancellationToken = default) =>
        Detect(frame, _options.MaxFaces, cancellationToken);

    /// <summary>Detects at most <paramref name="maxFaces"/> faces, best first.</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbFrame frame, int maxFaces, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFaces);
        if (maxFaces == 0)
        {
            return [];
        }
        var candidates = new Candidates();
        using var reduced = new ReducedFrames(frame);
        // Pass 1: the whole image letterboxed, i.e. the centred square of side max(w, h).
        float side = Math.Max(frame.Width, frame.Height);
        RunPass(reduced, new Square((frame.Width - side) / 2, (frame.Height - side) / 2, side), isTile: false, candidates, cancellationToken);
        candidates.WholeImageScale = side / InputSize;

        // More passes over overlapping tiles find faces too small for the whole-image pass.
        foreach (var tile in Tiles(frame.Width, frame.Height, maxFaces))
        {
            RunPass(reduced, tile, isTile: true, candidates, cancellationToken);
        }
        return Merge(candidates, maxFaces);
    }

    /// <summary>
    /// Tiles for small faces. BlazeFace needs a face of about 20 px at its 256-px input, so a 40-px face in a
    /// 1280-px photo (5× reduction) is lost in the whole-image pass. Square tiles of side max(2 × 256, long side / 3)
    /// (at most the short side) with a quarter overlap bring the reduction down to 2×–3×. Only when several faces are
    /// wanted (<see cref="FaceTiling.Auto"/>): with one face the prominent face is the one that matters, and each
    /// tile costs one more detector run.
    /// </summary>
    internal IEnumerable<Square> Tiles(int width, int height, int maxFaces)
    {
        if (_options.Tiling == FaceTiling.Off || (_options.Tiling == FaceTiling.Auto && maxFaces <= 1))
        {
            yield break;
        }
        int longSide = Math.Max(width, height), shortSide = Math.Min(width, height);
        var tile = Math.Min(Math.Max(2 * InputSize, longSide / 3), shortSide);
        // Worth it only when the tiles see faces clearly larger than the whole-image pass does.
        if (longSide < tile * 1.5f)
        {
            yield break;
        }
        var step = tile * 3 / 4;
        foreach (var y in Starts(height, tile, step))
        {
            foreach (var x in Starts(width, tile, step))
            {
                yield return new Square(x, y, tile);
            }
        }
    }

    private static IEnumerable<int> Starts(int length, int tile, int step)
    {
        var count = length <= tile ? 1 : 1 + (int)Math.Ceiling((length - tile) / (double)step);
        for (var i = 0; i < count; i++)
        {
            // Spread evenly so that the last tile ends on the image edge.
            yield return count == 1 ? Math.Max(0, (length - tile) / 2) : (int)Math.Round(i * (length - tile) / (double)(count - 1));
        }
    }

    private void RunPass(ReducedFrames frames, Square region, bool isTile, Candidates candidates, CancellationToken cancellationToken)
    {
        var scale = region.Side / InputSize;
        var input = ArrayPool<float>.Shared.Rent(InputSize * InputSize * 3);
        var output = ArrayPool<float>.Shared.Rent(_anchorCount * (1 + Regressors));
        try
        {
            // Bilinear alone aliases when shrinking by more than 2×, which costs small faces; average blocks first.
            var factor = Math.Max(1, (int)scale);
            var source = frames.Get(factor);
            Resampler.WarpRgb(source, Affine.ScaleTranslate(scale / factor, region.X / factor, region.Y / factor), InputSize, InputSize, input, 1f / 127.5f, -1f);

            var secondHead = _anchorCount - _firstHead;
            var memory = output.AsMemory();
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, InputSize * InputSize * 3), [1, InputSize, InputSize, 3]);
            using var scores1 = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory.Slice(0, _firstHead), [1, _firstHead, 1]);
            using var scores2 = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory.Slice(_firstHead, secondHead), [1, secondHead, 1]);
            using var regs1 = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory.Slice(_anchorCount, _firstHead * Regressors), [1, _firstHead, Regressors]);
            using var regs2 = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory.Slice(_anchorCount + (_firstHead * Regressors), secondHead * Regressors), [1, secondHead, Regressors]);
            _model.Run(inputValue, _outputNames, [scores1, scores2, regs1, regs2], cancellationToken);

            // Scores of both heads are now contiguous (anchor order), and so are the regressors.
            Decode(output.AsSpan(0, _anchorCount), output.AsSpan(_anchorCount, _anchorCount * Regressors), region, isTile, frames.Width, frames.Height, candidates);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    private void Decode(ReadOnlySpan<float> logits, ReadOnlySpan<float> regressors, Square region, bool isTile, int width, int height, Candidates candidates)
    {
        var scale = region.Side / InputSize;
        // Compare logits instead of taking 896 sigmoids: sigmoid(l) >= p  <=>  l >= ln(p / (1 - p)).
        // Tiles look at many more, mostly faceless, windows, so their detections must score a little higher.
        var minScore = Math.Clamp(_options.MinScore + (isTile ? TileExtraScore : 0), 1e-4f, 1 - 1e-4f);
        var minLogit = MathF.Log(minScore / (1 - minScore));
        var edge = region.Side * 0.01f;
        for (var i = 0; i < logits.Length; i++)
        {
            var logit = logits[i];
            if (!(logit >= minLogit))
            {
                continue;
            }
            var r = regressors.Slice(i * Regressors, Regressors);
            float ax = _anchors[2 * i], ay = _anchors[(2 * i) + 1];
            var cx = ax + r[0];
            var cy = ay + r[1];
            var w = r[2];
            var h = r[3];
            if (!(w > 0 && h > 0))
            {
                continue;
            }
            var box = new ImageBox(((cx - (w / 2)) * scale) + region.X, ((cy - (h / 2)) * scale) + region.Y, w * scale, h * scale);
            // Tiles are for small faces only: a face this large was seen clearly by the whole-image pass, and a large
            // tile-only "face" is, on the sample photos, a dark texture rather than a face.
            if (isTile && box.Width / candidates.WholeImageScale > TileMaxFaceInWholePass)
            {
                continue;
            }
            // A face cut by a tile's inner edge is only part of a face; the neighbouring tile or the whole-image pass has all of it.
            if (isTile && ((region.X > 0 && box.X < region.X + edge) || (region.Y > 0 && box.Y < region.Y + edge) ||
                           (region.X + region.Side < width && box.Right > region.X + region.Side - edge) ||
                           (region.Y + region.Side < height && box.Bottom > region.Y + region.Side - edge)))
            {
                continue;
            }
            var p = new float[12];
            for (var k = 0; k < 6; k++)
            {
                p[2 * k] = ((ax + r[4 + (2 * k)]) * scale) + region.X;
                p[(2 * k) + 1] = ((ay + r[5 + (2 * k)]) * scale) + region.Y;
            }
            candidates.Boxes.Add(box);
            candidates.Scores.Add(1f / (1f + MathF.Exp(-Math.Clamp(logit, -80f, 80f))));
            candidates.Points.Add(p);
        }
    }

    private List<DetectedFace> Merge(Candidates candidates, int maxFaces)
    {
        var (boxes, scores, points) = (candidates.Boxes, candidates.Scores, candidates.Points);
        var faces = new List<DetectedFace>();
        foreach (var cluster in NonMaxSuppression.Cluster(boxes, scores, _options.IouThreshold, maxFaces))
        {
            var best = cluster[0];
            if (!_options.WeightedNms || cluster.Count == 1)
            {
                faces.Add(new DetectedFace(boxes[best], scores[best], ToLandmarks(points[best])));
                continue;
            }
            // Score-weighted mean of the overlapping candidates; the face keeps the best score.
            float total = 0, x = 0, y = 0, r = 0, b = 0;
            var blended = new float[12];
            foreach (var m in cluster)
            {
                var s = scores[m];
                total += s;
                x += boxes[m].X * s;
                y += boxes[m].Y * s;
                r += boxes[m].Right * s;
                b += boxes[m].Bottom * s;
                for (var k = 0; k < 12; k++)
                {
                    blended[k] += points[m][k] * s;
                }
            }
            for (var k = 0; k < 12; k++)
            {
                blended[k] /= total;
            }
            faces.Add(new DetectedFace(ImageBox.FromCorners(x / total, y / total, r / total, b / total), scores[best], ToLandmarks(blended)));
        }
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            _logger.LogTrace("BlazeFace: {Candidates} candidates over {MinScore}, {Faces} faces", boxes.Count, _options.MinScore, faces.Count);
        }
        return faces;
    }

    /// <summary>A square region of the source image in pixels (may extend past the image: that part reads black).</summary>
    internal readonly record struct Square(float X, float Y, float Side);

    private sealed class Candidates
    {
        public float WholeImageScale { get; set; } = 1;

        public List<ImageBox> Boxes { get; } = [];

        public List<float> Scores { get; } = [];

        public List<float[]> Points { get; } = [];
    }

    /// <summary>The frame reduced by integer factors with block averaging, made once per factor and call, in pooled buffers.</summary>
    private sealed class ReducedFrames(RgbFrame frame) : IDisposable
    {
        private readonly List<(int Factor, RgbFrame Frame, byte[] Buffer)> _made = [];

        public int Width => frame.Width;

        public int Height => frame.Height;

        public RgbFrame Get(int factor)
        {
            if (factor <= 1 || frame.Width / factor < 1 || frame.Height / factor < 1)
            {
                return frame;
            }
            foreach (var m in _made)
            {
                if (m.Factor == factor)
                {
                    return m.Frame;
                }
            }
            var buffer = ArrayPool<byte>.Shared.Rent((frame.Width / factor) * (frame.Height / factor) * 3);
            var reduced = Resampler.BoxDownscale(frame, factor, buffer);
            _made.Add((factor, reduced, buffer));
            return reduced;
        }

        public void Dispose()
        {
            foreach (var m in _made)
            {
                ArrayPool<byte>.Shared.Return(m.Buffer);
            }
            _made.Clear();
        }
    }

    private static FaceLandmarks ToLandmarks(float[] p) => new(
        new ImagePoint(p[0], p[1]),
        new ImagePoint(p[2], p[3]),
        new ImagePoint(p[4], p[5]),
        new ImagePoint(p[6], p[7]),
        new ImagePoint(p[8], p[9]),
        new ImagePoint(p[10], p[11]));

    public void Dispose() => _model.Dispose();
}
