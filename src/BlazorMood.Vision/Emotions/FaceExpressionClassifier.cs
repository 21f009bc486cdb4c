using System.Buffers;
using BlazorMood.Vision.Imaging;
using BlazorMood.Vision.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace BlazorMood.Vision;

/// <summary>
/// Seven-class facial expression from face-api's <c>FaceExpressionNet</c> (<c>face-expression.onnx</c>): a second model
/// with a different architecture and training set from Human's mini-Xception, which fails on different faces
/// (see the README and docs/accuracy.md). face-api feeds it its detector's face box, padded to a square with black and
/// resized to 112×112 RGB; here the square is cut around the BlazeFace box (<see cref="FaceExpressionOptions.BoxScale"/>,
/// <see cref="FaceExpressionOptions.ShiftY"/>, measured on the development set) and warped straight into the tensor.
/// Probabilities come back in the product's label order (<see cref="EmotionLabels.All"/>). Thread-safe; one instance per process.
/// </summary>
public sealed class FaceExpressionClassifier : IDisposable
{
    public const int InputSize = 112;
    private const int Classes = 7;
    private const int Plane = InputSize * InputSize * 3;

    /// <summary>For each product label (angry … neutral), its index in face-api's output (neutral, happy, sad, angry, fearful, disgusted, surprised).</summary>
    internal static readonly int[] FromFaceApiOrder = [3, 5, 4, 1, 2, 6, 0];

    private readonly OnnxModel _model;
    private readonly FaceExpressionOptions _options;
    private readonly ILogger<FaceExpressionClassifier> _logger;
    private readonly string[] _outputNames;

    public FaceExpressionClassifier(ModelSessionFactory sessions, IOptions<VisionOptions> options, ILogger<FaceExpressionClassifier> logger)
    {
        _options = options.Value.FaceExpression;
        _logger = logger;
        _model = new OnnxModel(sessions.Create(_options), sessions.ResolvePath(_options));
        try
        {
            _model.Require(_model.Input.Dimensions is [_, InputSize, InputSize, 3], "input [N,112,112,3] float");
            _model.Require(_model.Session.OutputMetadata.Count == 1 && _model.Session.OutputMetadata.Values.First().Dimensions is [_, Classes], "output [N,7]");
            _outputNames = [_model.Session.OutputMetadata.Keys.First()];
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    public FaceExpressionOptions Options => _options;

    /// <summary>Classifies several faces of one frame; results in the same order.</summary>
    public IReadOnlyList<EmotionPrediction> Classify(RgbFrame frame, IReadOnlyList<DetectedFace> faces, CancellationToken cancellationToken = default)
    {
        return Run(frame, CropMaps(faces), cancellationToken);
    }

    /// <summary>
    /// One view of each face: the crop as it is, or mirrored (<paramref name="mirrored"/>), whatever
    /// <see cref="FaceExpressionOptions.FlipAveraging"/> says. A stream refreshes the two views of a face on different
    /// frames (see <see cref="EmotionReuseOptions.Staggered"/>); their mean is what <see cref="Classify"/> gives.
    /// </summary>
    public IReadOnlyList<EmotionPrediction> ClassifyView(RgbFrame frame, IReadOnlyList<DetectedFace> faces, bool mirrored, CancellationToken cancellationToken = default)
    {
        return Run(frame, CropMaps(faces), cancellationToken, selection: mirrored ? Views.Mirrored : Views.Plain);
    }

    private Affine[] CropMaps(IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var maps = new Affine[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            maps[i] = CropMap(faces[i]);
        }
        return maps;
    }

    /// <summary>
    /// Classifies an image that already is a face crop (a dataset picture): as face-api does with a face image, it is
    /// padded to a centred square with black and resized to 112×112.
    /// </summary>
    public EmotionPrediction ClassifyFaceCrop(RgbFrame faceCrop, CancellationToken cancellationToken = default)
    {
        var side = (float)Math.Max(faceCrop.Width, faceCrop.Height);
        var k = side / InputSize;
        var map = new Affine(k, 0, (faceCrop.Width - side) / 2, 0, k, (faceCrop.Height - side) / 2);
        return Run(faceCrop, [map], cancellationToken, blackBorder: true)[0];
    }

    /// <summary>Corners of the crop in source pixels (top-left, top-right, bottom-right, bottom-left), for overlays and debugging.</summary>
    public IReadOnlyList<ImagePoint> CropCorners(DetectedFace face)
    {
        var m = CropMap(face);
        return [m.Map(0, 0), m.Map(InputSize, 0), m.Map(InputSize, InputSize), m.Map(0, InputSize)];
    }

    /// <summary>
    /// A square of side <c>BoxScale × max(box width, height)</c> centred on the box, moved down by <c>ShiftY × side</c>,
    /// optionally rotated so the eyes are level.
    /// </summary>
    internal Affine CropMap(DetectedFace face)
    {
        var box = face.Box;
        var side = MathF.Max(_options.BoxScale * MathF.Max(box.Width, box.Height), 4f);
        float angle = 0;
        var lm = face.Landmarks;
        if (_options.AlignEyes && lm.EyeDistance >= 1f && float.IsFinite(lm.EyeDistance))
        {
            angle = MathF.Atan2(lm.LeftEye.Y - lm.RightEye.Y, lm.LeftEye.X - lm.RightEye.X);
        }
        var cos = MathF.Cos(angle);
        var sin = MathF.Sin(angle);
        var shift = _options.ShiftY * side;
        var cx = box.Center.X - (sin * shift);
        var cy = box.Center.Y + (cos * shift);
        var k = side / InputSize;
        var half = side / 2;
        return new Affine(
            k * cos, -k * sin, cx - (half * cos) + (half * sin),
            k * sin, k * cos, cy - (half * sin) - (half * cos));
    }

    private enum Views
    {
        /// <summary>The crop, and its mirror image too when <see cref="FaceExpressionOptions.FlipAveraging"/> is on (averaged).</summary>
        AsConfigured,
        Plain,
        Mirrored,
    }

    private IReadOnlyList<EmotionPrediction> Run(RgbFrame frame, Affine[] maps, CancellationToken cancellationToken, bool blackBorder = false,
        Views selection = Views.AsConfigured)
    {
        if (maps.Length == 0)
        {
            return [];
        }
        var views = selection == Views.AsConfigured && _options.FlipAveraging ? 2 : 1;
        var batch = maps.Length * views;
        var input = ArrayPool<float>.Shared.Rent(batch * Plane);
        var output = ArrayPool<float>.Shared.Rent(batch * Classes);
        try
        {
            for (var i = 0; i < maps.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var view = input.AsSpan(i * views * Plane, Plane);
                var supersample = Math.Clamp((int)MathF.Ceiling(maps[i].Scale), 1, 4);
                if (blackBorder)
                {
                    RenderPadded(frame, maps[i], view, supersample);
                }
                else
                {
                    Resampler.WarpRgbSupersampled(frame, maps[i], InputSize, InputSize, view, supersample);
                }
                if (views == 2)
                {
                    MirrorRows(view, input.AsSpan(((i * views) + 1) * Plane, Plane));
                }
                else if (selection == Views.Mirrored)
                {
                    var plain = ArrayPool<float>.Shared.Rent(Plane);
                    view.CopyTo(plain);
                    MirrorRows(plain.AsSpan(0, Plane), view);
                    ArrayPool<float>.Shared.Return(plain);
                }
            }
            // One run per view: a batch of five 112×112 views costs this network about a quarter more CPU than five
            // single runs (measured in docs/benchmarks.md; its activations then outgrow the caches).
            for (var n = 0; n < batch; n++)
            {
                using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(n * Plane, Plane), [1, InputSize, InputSize, 3]);
                using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(n * Classes, Classes), [1, Classes]);
                _model.Run(inputValue, _outputNames, [outputValue], cancellationToken);
            }
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                _logger.LogTrace("Face expression: {Faces} faces, {Views} views each", maps.Length, views);
            }
            var results = new EmotionPrediction[maps.Length];
            Span<float> p = stackalloc float[Classes];
            for (var i = 0; i < maps.Length; i++)
            {
                p.Clear();
                for (var v = 0; v < views; v++)
                {
                    var o = output.AsSpan(((i * views) + v) * Classes, Classes);
                    for (var c = 0; c < Classes; c++)
                    {
                        p[c] += o[FromFaceApiOrder[c]] / views;
                    }
                }
                results[i] = EmotionPrediction.FromProbabilities(p);
            }
            return results;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>Warps, then blacks out what lies outside the source image (face-api pads a non-square crop with zeros).</summary>
    private static void RenderPadded(RgbFrame frame, Affine map, Span<float> view, int supersample)
    {
        Resampler.WarpRgbSupersampled(frame, map, InputSize, InputSize, view, supersample);
        for (var y = 0; y < InputSize; y++)
        {
            for (var x = 0; x < InputSize; x++)
            {
                var s = map.Map(x + 0.5f, y + 0.5f);
                if (s.X < 0 || s.Y < 0 || s.X >= frame.Width || s.Y >= frame.Height)
                {
                    view.Slice(((y * InputSize) + x) * 3, 3).Clear();
                }
            }
        }
    }

    private static void MirrorRows(ReadOnlySpan<float> source, Span<float> destination)
    {
        const int row = InputSize * 3;
        for (var y = 0; y < InputSize; y++)
        {
            var s = source.Slice(y * row, row);
            var d = destination.Slice(y * row, row);
            for (var x = 0; x < InputSize; x++)
            {
                s.Slice(x * 3, 3).CopyTo(d.Slice((InputSize - 1 - x) * 3, 3));
            }
        }
    }

    public void Dispose() => _model.Dispose();
}
