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
/// Seven-class facial emotion (mini-Xception trained on FER-2013, from Human). Each face is cut out with a square,
/// eye-aligned crop that imitates FER-2013 framing (see <see cref="EmotionOptions"/> and the README), warped with
/// bilinear supersampling straight into a 64×64 grey tensor ((0.2989 R + 0.5870 G + 0.1140 B) / 127.5 − 1, as Human
/// feeds it). Several faces (and their mirror images when <see cref="EmotionOptions.FlipAveraging"/> is on) are
/// rendered in one pass and run one view at a time. Thread-safe; one instance per process.
/// </summary>
public sealed class EmotionClassifier : IDisposable
{
    public const int InputSize = 64;
    private const int Classes = 7;
    private const float WeightR = 0.2989f, WeightG = 0.5870f, WeightB = 0.1140f;

    private readonly OnnxModel _model;
    private readonly EmotionOptions _options;
    private readonly ILogger<EmotionClassifier> _logger;
    private readonly string[] _outputNames;

    public EmotionClassifier(ModelSessionFactory sessions, IOptions<VisionOptions> options, ILogger<EmotionClassifier> logger)
    {
        _options = options.Value.Emotion;
        _logger = logger;
        _model = new OnnxModel(sessions.Create(_options), sessions.ResolvePath(_options));
        try
        {
            var dims = _model.Input.Dimensions;
            _model.Require(dims is [_, InputSize, InputSize, 1], "input [N,64,64,1] float");
            _model.Require(_model.Session.OutputMetadata.Count == 1 && _model.Session.OutputMetadata.Values.First().Dimensions is [_, Classes], "output [N,7]");
            _outputNames = [_model.Session.OutputMetadata.Keys.First()];
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    public EmotionOptions Options => _options;

    /// <summary>Classifies one detected face.</summary>
    public EmotionPrediction Classify(Image<Rgb24> image, DetectedFace face, CancellationToken cancellationToken = default) =>
        Classify(RgbFrame.FromImage(image), [face], cancellationToken)[0];

    /// <summary>Classifies one detected face.</summary>
    public EmotionPrediction Classify(RgbFrame frame, DetectedFace face, CancellationToken cancellationToken = default) =>
        Classify(frame, [face], cancellationToken)[0];

    /// <summary>Classifies several faces of one frame; results in the same order.</summary>
    public IReadOnlyList<EmotionPrediction> Classify(RgbFrame frame, IReadOnlyList<DetectedFace> faces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var maps = new Affine[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            maps[i] = CropMap(faces[i]);
        }
        return Run(frame, maps, cancellationToken);
    }

    /// <summary>
    /// Classifies an image that already is a face crop in dataset framing (e.g. a FER-2013 or JAFFE picture):
    /// the whole image is resized to 64×64 without detection or alignment.
    /// </summary>
    public EmotionPrediction ClassifyFaceCrop(RgbFrame faceCrop, CancellationToken cancellationToken = default)
    {
        var map = new Affine((float)faceCrop.Width / InputSize, 0, 0, 0, (float)faceCrop.Height / InputSize, 0);
        return Run(faceCrop, [map], cancellationToken)[0];
    }

    /// <summary>
    /// The crop's corners in source-image pixels (top-left, top-right, bottom-right, bottom-left of the model's view),
    /// for drawing overlays and debugging the framing.
    /// </summary>
    public IReadOnlyList<ImagePoint> CropCorners(DetectedFace face)
    {
        var m = CropMap(face);
        return [m.Map(0, 0), m.Map(InputSize, 0), m.Map(InputSize, InputSize), m.Map(0, InputSize)];
    }

    /// <summary>
    /// Maps 64×64 crop coordinates to source pixels. The crop is a square of side <c>CropScale × s</c> with
    /// s = max(eye distance, eye-to-mouth distance × MouthToEyeRatio), rotated by the eye line's angle,
    /// with the eye midpoint at <c>EyeLine</c> of its height and centred horizontally.
    /// </summary>
    internal Affine CropMap(DetectedFace face)
    {
        var lm = face.Landmarks;
        var eyes = lm.EyeCenter;
        var iod = lm.EyeDistance;
        var em = eyes.DistanceTo(lm.Mouth);
        float angle = 0;
        float faceScale;
        ImagePoint anchor;
        if (iod >= 1f && float.IsFinite(iod) && float.IsFinite(em))
        {
            if (_options.AlignEyes)
            {
                angle = MathF.Atan2(lm.LeftEye.Y - lm.RightEye.Y, lm.LeftEye.X - lm.RightEye.X);
            }
            faceScale = _options.FaceScaleFromEyes
                ? MathF.Max(iod, em * _options.MouthToEyeRatio)
                : face.Box.Width * BoxToEyeScale;
            // Along the eye line, centre on the detector box rather than on the eyes: when the head turns, the eyes
            // crowd towards one side of the face and an eye-centred crop would cut off the far cheek.
            var ux = MathF.Cos(angle);
            var uy = MathF.Sin(angle);
            var along = ((face.Box.Center.X - eyes.X) * ux) + ((face.Box.Center.Y - eyes.Y) * uy);
            anchor = new ImagePoint(eyes.X + (along * ux), eyes.Y + (along * uy));
        }
        else
        {
            // Degenerate landmarks (should not happen with BlazeFace): frame the box instead.
            faceScale = face.Box.Width * BoxToEyeScale;
            anchor = new ImagePoint(face.Box.Center.X, face.Box.Y + (face.Box.Height * 0.4f));
        }
        var side = MathF.Max(_options.CropScale * faceScale, 4f);
        var cos = MathF.Cos(angle);
        var sin = MathF.Sin(angle);
        // Crop centre: from the eye midpoint, (0.5 - EyeLine) × side along the face's "down" direction (-sin, cos).
        var down = (0.5f - _options.EyeLine) * side;
        var cx = anchor.X - (sin * down);
        var cy = anchor.Y + (cos * down);
        var k = side / InputSize;
        var half = side / 2;
        return new Affine(
            k * cos, -k * sin, cx - (half * cos) + (half * sin),
            k * sin, k * cos, cy - (half * sin) - (half * cos));
    }

    /// <summary>BlazeFace box width ÷ eye distance on frontal faces (measured on the sample photos), so both scale sources agree.</summary>
    internal const float BoxToEyeScale = 1f / 2.3f;

    private IReadOnlyList<EmotionPrediction> Run(RgbFrame frame, Affine[] maps, CancellationToken cancellationToken)
    {
        if (maps.Length == 0)
        {
            return [];
        }
        var views = _options.FlipAveraging ? 2 : 1;
        var batch = maps.Length * views;
        const int plane = InputSize * InputSize;
        var input = ArrayPool<float>.Shared.Rent(batch * plane);
        var output = ArrayPool<float>.Shared.Rent(batch * Classes);
        try
        {
            for (var i = 0; i < maps.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RenderCrop(frame, maps[i], input.AsSpan(i * views * plane, plane));
                if (views == 2)
                {
                    MirrorRows(input.AsSpan(i * views * plane, plane), input.AsSpan(((i * views) + 1) * plane, plane));
                }
            }
            // One run per view: on this CPU a batch of five costs as much as five single runs or more (measured in
            // docs/benchmarks.md), and single runs also serve models exported with a fixed batch of one.
            for (var n = 0; n < batch; n++)
            {
                RunBatch(input.AsMemory(n * plane, plane), output.AsMemory(n * Classes, Classes), 1, cancellationToken);
            }

            if (_logger.IsEnabled(LogLevel.Trace))
            {
                _logger.LogTrace("Emotion: {Faces} faces, {Views} views each", maps.Length, views);
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
                        p[c] += o[c] / views;
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

    /// <summary>
    /// Renders one crop into a 64×64 plane. With <see cref="EmotionOptions.SourceResolution"/> below 64 the crop is
    /// first rendered at that size and scaled up, which reproduces the softness of FER-2013's 48-px images that the
    /// model was trained on after upscaling.
    /// </summary>
    private void RenderCrop(RgbFrame frame, Affine map, Span<float> plane)
    {
        var size = _options.SourceResolution is > 0 and < InputSize ? _options.SourceResolution : InputSize;
        if (size == InputSize)
        {
            // Supersample so that a large face shrunk to 64 px is averaged, not aliased.
            Resampler.WarpGray(frame, map, InputSize, InputSize, plane, WeightR, WeightG, WeightB, 1f / 127.5f, -1f, Math.Clamp((int)MathF.Ceiling(map.Scale), 1, 4));
            return;
        }
        var f = (float)InputSize / size;
        var small = new Affine(map.M11 * f, map.M12 * f, map.Dx, map.M21 * f, map.M22 * f, map.Dy);
        Span<float> low = stackalloc float[size * size];
        Resampler.WarpGray(frame, small, size, size, low, WeightR, WeightG, WeightB, 1f / 127.5f, -1f, Math.Clamp((int)MathF.Ceiling(small.Scale), 1, 4));
        Resampler.UpscaleGray(low, size, plane, InputSize);
    }

    private void RunBatch(Memory<float> input, Memory<float> output, int batch, CancellationToken cancellationToken)
    {
        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, [batch, InputSize, InputSize, 1]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output, [batch, Classes]);
        _model.Run(inputValue, _outputNames, [outputValue], cancellationToken);
    }

    private static void MirrorRows(ReadOnlySpan<float> source, Span<float> destination)
    {
        for (var y = 0; y < InputSize; y++)
        {
            var s = source.Slice(y * InputSize, InputSize);
            var d = destination.Slice(y * InputSize, InputSize);
            for (var x = 0; x < InputSize; x++)
            {
                d[InputSize - 1 - x] = s[x];
            }
        }
    }

    public void Dispose() => _model.Dispose();
}
