using System.Buffers;
using BlazorMood.Vision.Imaging;
using BlazorMood.Vision.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlazorMood.Vision;

/// <summary>
/// COCO object detector (MobileNetV3 CenterNet from Human, 512 px wide). The image is letterboxed to 512×512 with raw
/// 0..255 values (Human feeds the same values, stretched) — or, with a model whose input height is free and
/// <see cref="ObjectDetectorOptions.FitHeight"/>, a wide image to 512 × only the height it needs (see there); the
/// graph's <c>detections</c> output holds the top 100 as (x1, y1, x2, y2, score, class) in input pixels. Boxes are
/// mapped back to the image, filtered by score and class-wise NMS. Thread-safe; one instance per process.
/// </summary>
public sealed class ObjectDetector : IDisposable
{
    public const int InputSize = 512;

    private readonly OnnxModel _model;
    private readonly ObjectDetectorOptions _options;
    private readonly ILogger<ObjectDetector> _logger;
    private readonly string[] _outputNames;
    private readonly int _maxDetections;
    private readonly bool _freeHeight;

    public ObjectDetector(ModelSessionFactory sessions, IOptions<VisionOptions> options, ILogger<ObjectDetector> logger)
    {
        _options = options.Value.Objects;
        _logger = logger;
        _model = new OnnxModel(sessions.Create(_options), sessions.ResolvePath(_options));
        try
        {
            _model.Require(_model.Input.Dimensions is [_, var rows, InputSize, 3] && (rows == InputSize || rows == -1), "input [1,512,512,3] or [1,height,512,3] float");
            _freeHeight = _model.Input.Dimensions[1] == -1;
            var detections = _model.Session.OutputMetadata
                .OrderByDescending(kv => kv.Key.Contains("detections", StringComparison.OrdinalIgnoreCase))
                .FirstOrDefault(kv => kv.Value.Dimensions is [_, > 0, 6]);
            _model.Require(detections.Key is not null, "output 'detections' [1,N,6]");
            _outputNames = [detections.Key!];
            _maxDetections = detections.Value.Dimensions[1];
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    public IReadOnlyList<DetectedObject> Detect(Image<Rgb24> image, CancellationToken cancellationToken = default) =>
        Detect(RgbFrame.FromImage(image), cancellationToken);

    /// <summary>Objects over <see cref="ObjectDetectorOptions.MinScore"/>, best first.</summary>
    public IReadOnlyList<DetectedObject> Detect(RgbFrame frame, CancellationToken cancellationToken = default)
    {
        // Letterbox (pad right/bottom with black to a square) rather than stretch as Human does: on the sample photos
        // this raised person scores by ≈0.1 and keeps proportions the network saw in training.
        float side = Math.Max(frame.Width, frame.Height);
        var scale = side / InputSize;
        var sx = scale;
        var sy = scale;
        var rows = InputRows(frame.Width, frame.Height);
        var length = rows * InputSize * 3;
        var input = ArrayPool<float>.Shared.Rent(length);
        var output = ArrayPool<float>.Shared.Rent(_maxDetections * 6);
        byte[]? reducedBuffer = null;
        try
        {
            // Average blocks first when shrinking by 2× or more, so that bilinear sampling does not alias.
            var factor = Math.Max(1, (int)scale);
            var source = frame;
            if (factor >= 2 && frame.Width / factor > 0 && frame.Height / factor > 0)
            {
                reducedBuffer = ArrayPool<byte>.Shared.Rent((frame.Width / factor) * (frame.Height / factor) * 3);
                source = Resampler.BoxDownscale(frame, factor, reducedBuffer);
            }
            else
            {
                factor = 1;
            }
            Resampler.WarpRgb(source, Affine.ScaleTranslate(scale / factor, 0, 0), InputSize, rows, input, 1f, 0f);
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, length), [1, rows, InputSize, 3]);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, _maxDetections * 6), [1, _maxDetections, 6]);
            _model.Run(inputValue, _outputNames, [outputValue], cancellationToken);

            var boxes = new List<ImageBox>();
            var scores = new List<float>();
            var classes = new List<int>();
            for (var i = 0; i < _maxDetections; i++)
            {
                var d = output.AsSpan(i * 6, 6);
                var score = d[4];
                var cls = d[5];
                if (!(score >= _options.MinScore) || !float.IsFinite(cls) || cls < 0 || cls >= CocoLabels.All.Count)
                {
                    continue;
                }
                var box = ImageBox.FromCorners(d[0] * sx, d[1] * sy, d[2] * sx, d[3] * sy).ClampTo(frame.Width, frame.Height);
                if (box.Area <= 0)
                {
                    continue;
                }
                boxes.Add(box);
                scores.Add(score);
                classes.Add((int)cls);
            }

            var results = new List<DetectedObject>();
            foreach (var cls in classes.Distinct())
            {
                var idx = Enumerable.Range(0, boxes.Count).Where(i => classes[i] == cls).ToArray();
                var kept = NonMaxSuppression.Suppress(idx.Select(i => boxes[i]).ToList(), idx.Select(i => scores[i]).ToList(), _options.IouThreshold, _options.MaxObjects);
                results.AddRange(kept.Select(k => new DetectedObject(cls, CocoLabels.All[cls], scores[idx[k]], boxes[idx[k]])));
            }
            results.Sort((a, b) => b.Score.CompareTo(a.Score));
            if (results.Count > _options.MaxObjects)
            {
                results.RemoveRange(_options.MaxObjects, results.Count - _options.MaxObjects);
            }
            _logger.LogTrace("CenterNet: {Count} objects", results.Count);
            return results;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(output);
            if (reducedBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(reducedBuffer);
            }
        }
    }

    /// <summary>
    /// Rows of the network's input for a <paramref name="width"/>×<paramref name="height"/> picture: 512, or with a
    /// free-height model and <see cref="ObjectDetectorOptions.FitHeight"/> the picture's scaled height rounded up to
    /// 32 rows plus one 32-row band of black (at most 512).
    /// </summary>
    public int InputRows(int width, int height)
    {
        if (!_freeHeight || !_options.FitHeight || width <= 0 || height <= 0)
        {
            return InputSize;
        }
        var picture = height * (float)InputSize / Math.Max(width, height);
        return Math.Min(InputSize, ((int)MathF.Ceiling(picture / 32) * 32) + 32);
    }

    public void Dispose() => _model.Dispose();
}
