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
/// Single-person pose with MoveNet SinglePose (int32 RGB input, 17 keypoints as normalised y, x, score): Lightning
/// (192×192, the default) or Thunder (256×256), chosen by <see cref="PoseOptions.FileName"/>; the input side is read
/// from the model. The model looks at a square crop: around the person box with <see cref="PoseOptions.CropMargin"/>, or the whole
/// image padded to a square. When the upright view scores poorly the crop is also tried rotated by ±90° and 180°
/// (people lying down, sideways phone photos) and the best view is kept. Thread-safe; one instance per process.
/// </summary>
public sealed class PoseEstimator : IDisposable
{
    private const int Keypoints = 17;
    private const float RotationMargin = 0.15f;

    private readonly OnnxModel _model;
    private readonly PoseOptions _options;
    private readonly ILogger<PoseEstimator> _logger;
    private readonly string[] _outputNames;

    public PoseEstimator(ModelSessionFactory sessions, IOptions<VisionOptions> options, ILogger<PoseEstimator> logger)
    {
        _options = options.Value.Pose;
        _logger = logger;
        _model = new OnnxModel(sessions.Create(_options), sessions.ResolvePath(_options));
        try
        {
            // Both MoveNet SinglePose variants share the graph; only the square input side differs (192 or 256).
            _model.Require(_model.Input.Dimensions is [_, var h, var w, 3] && h == w && h >= 32 && _model.Input.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int32,
                "input [1,S,S,3] int32");
            InputSize = _model.Input.Dimensions[1];
            var output = _model.Session.OutputMetadata.FirstOrDefault(kv => kv.Value.Dimensions is [_, _, Keypoints, 3]);
            _model.Require(output.Key is not null, "output [1,1,17,3]");
            _outputNames = [output.Key!];
            _logger.LogInformation("Pose model {File} with a {InputSize}-pixel square input", Path.GetFileName(_model.Path), InputSize);
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    /// <summary>Side of the model's square input in pixels (192 for Lightning, 256 for Thunder).</summary>
    public int InputSize { get; }

    /// <summary>Estimates the pose of the person inside <paramref name="person"/>, or of the whole image when null.</summary>
    public BodyPose Estimate(Image<Rgb24> image, ImageBox? person = null, CancellationToken cancellationToken = default) =>
        Estimate(RgbFrame.FromImage(image), person, cancellationToken);

    /// <summary>Estimates the pose of the person inside <paramref name="person"/>, or of the whole image when null.</summary>
    public BodyPose Estimate(RgbFrame frame, ImageBox? person = null, CancellationToken cancellationToken = default)
    {
        ImageBox crop;
        if (person is { } p && p.Width > 0 && p.Height > 0)
        {
            var side = MathF.Max(p.Width, p.Height) * (1 + (2 * _options.CropMargin));
            crop = new ImageBox(p.Center.X - (side / 2), p.Center.Y - (side / 2), side, side);
        }
        else
        {
            float side = Math.Max(frame.Width, frame.Height);
            crop = new ImageBox((frame.Width - side) / 2, (frame.Height - side) / 2, side, side);
        }

        var best = Run(frame, crop, 0, cancellationToken);
        if (best.Score < _options.RotationRetryBelowScore)
        {
            foreach (var rotation in (ReadOnlySpan<int>)[90, 270, 180])
            {
                var candidate = Run(frame, crop, rotation, cancellationToken);
                // A clear margin: partial bodies score low in every orientation, and a wrong one must not win by noise.
                if (candidate.Score > best.Score + RotationMargin)
                {
                    best = candidate;
                }
            }
        }
        return best;
    }

    private BodyPose Run(RgbFrame frame, ImageBox crop, int rotationDegrees, CancellationToken cancellationToken)
    {
        // Model pixel (u, v) → source: rotate about the crop centre, then scale.
        var k = crop.Width / InputSize;
        var angle = rotationDegrees * MathF.PI / 180f;
        var cos = MathF.Round(MathF.Cos(angle));
        var sin = MathF.Round(MathF.Sin(angle));
        var c = crop.Center;
        var size = InputSize;
        var half = size / 2f;
        var map = new Affine(
            k * cos, -k * sin, c.X - (k * ((cos * half) - (sin * half))),
            k * sin, k * cos, c.Y - (k * ((sin * half) + (cos * half))));

        var length = size * size * 3;
        var floats = ArrayPool<float>.Shared.Rent(length);
        var ints = ArrayPool<int>.Shared.Rent(length);
        var output = ArrayPool<float>.Shared.Rent(Keypoints * 3);
        try
        {
            var supersample = Math.Clamp((int)MathF.Ceiling(k), 1, 2);
            if (supersample > 1)
            {
                Resampler.WarpRgbSupersampled(frame, map, size, size, floats, supersample);
            }
            else
            {
                Resampler.WarpRgb(frame, map, size, size, floats, 1f, 0f);
            }
            for (var i = 0; i < length; i++)
            {
                ints[i] = (int)(floats[i] + 0.5f);
            }
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ints.AsMemory(0, length), [1, size, size, 3]);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, Keypoints * 3), [1, 1, Keypoints, 3]);
            _model.Run(inputValue, _outputNames, [outputValue], cancellationToken);

            var keypoints = new PoseKeypoint[Keypoints];
            float total = 0;
            for (var i = 0; i < Keypoints; i++)
            {
                var y = output[i * 3] * size;
                var x = output[(i * 3) + 1] * size;
                var score = output[(i * 3) + 2];
                keypoints[i] = new PoseKeypoint((BodyPart)i, map.Map(x, y), score);
                total += score;
            }
            var pose = new BodyPose(crop, rotationDegrees, total / Keypoints, keypoints);
            _logger.LogTrace("MoveNet at {Rotation}°: mean score {Score:F2}", rotationDegrees, pose.Score);
            return pose;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(floats);
            ArrayPool<int>.Shared.Return(ints);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    public void Dispose() => _model.Dispose();
}
