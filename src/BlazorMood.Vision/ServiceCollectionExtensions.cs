using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Vision;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the vision components as singletons (one ONNX session per model), binds <see cref="VisionOptions"/>
    /// from the <c>Vision</c> section of <paramref name="configuration"/> (or from it directly when it is that section),
    /// and, unless <see cref="VisionOptions.ValidateOnStart"/> is false, loads every enabled model when the host starts
    /// so a missing or corrupt file stops start-up with a <see cref="ModelLoadException"/>.
    /// </summary>
    public static IServiceCollection AddVision(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: VisionOptions.SectionName } s ? s : configuration.GetSection(VisionOptions.SectionName);
        services.AddOptions<VisionOptions>().Bind(section);
        return services.AddVisionCore();
    }

    /// <summary>Registers the vision components with options set in code (CLI tools, tests).</summary>
    public static IServiceCollection AddVision(this IServiceCollection services, Action<VisionOptions> configure)
    {
        services.AddOptions<VisionOptions>().Configure(configure);
        return services.AddVisionCore();
    }

    private static IServiceCollection AddVisionCore(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddOptions<VisionOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.ModelsPath), "Vision:ModelsPath must be set.")
            .Validate(o => o.IntraOpThreads is >= 1 and <= 64, "Vision:IntraOpThreads must be 1..64.")
            .Validate(o => o.FaceDetector.MinScore is > 0 and < 1 && o.FaceDetector.IouThreshold is > 0 and < 1 && o.FaceDetector.MaxFaces >= 1,
                "Vision:FaceDetector: MinScore and IouThreshold must be in (0, 1), MaxFaces >= 1.")
            .Validate(o => o.Emotion.CropScale is > 0.5f and < 10f && o.Emotion.EyeLine is > 0 and < 1 && o.Emotion.MouthToEyeRatio > 0,
                "Vision:Emotion: CropScale must be in (0.5, 10), EyeLine in (0, 1), MouthToEyeRatio > 0.")
            .Validate(o => o.FaceExpression.BoxScale is > 0.3f and < 5f && o.FaceExpression.ShiftY is > -0.5f and < 0.5f,
                "Vision:FaceExpression: BoxScale must be in (0.3, 5), ShiftY in (-0.5, 0.5).")
            .Validate(o => o.EmotionReuse.MinOverlap is > 0 and <= 1 && o.EmotionReuse.MaxReusedFrames is >= 0 and <= 10
                    && o.EmotionReuse.MaxSkippedDetections is >= 0 and <= 10 && o.EmotionReuse.MaxStillMotion is >= 0 and <= 1
                    && o.EmotionReuse.SameFaceOverlap is > 0 and <= 1,
                "Vision:EmotionReuse: MinOverlap and SameFaceOverlap must be in (0, 1], MaxReusedFrames and MaxSkippedDetections in 0..10, MaxStillMotion in [0, 1].")
            .Validate(o => o.FaceTracking.MinScore is > 0 and < 1 && o.FaceTracking.RegionScale is >= 1.2f and <= 6f
                    && o.FaceTracking.MinOverlap is > 0 and < 1 && o.FaceTracking.FullDetectionEvery is >= 1 and <= 1000
                    && o.FaceTracking.MaxFaces is >= 1 and <= 50
                    && (o.FaceTracking.WideRegionScale == 0 || (o.FaceTracking.WideRegionScale > o.FaceTracking.RegionScale && o.FaceTracking.WideRegionScale <= 8f)),
                "Vision:FaceTracking: MinScore and MinOverlap must be in (0, 1), RegionScale in [1.2, 6], WideRegionScale 0 or above RegionScale up to 8, FullDetectionEvery in 1..1000, MaxFaces in 1..50.")
            .Validate(o => !o.EmotionFusion.Enabled || !string.IsNullOrWhiteSpace(o.EmotionFusion.FileName), "Vision:EmotionFusion:FileName must be set.")
            .Validate(o => o.Objects.MinScore is > 0 and < 1 && o.Objects.MaxObjects >= 1, "Vision:Objects: MinScore must be in (0, 1), MaxObjects >= 1.")
            .Validate(o => o.Pose.CropMargin is >= 0 and < 2, "Vision:Pose:CropMargin must be in [0, 2).")
            .Validate(o => o.Decoder.MaxPixels > 0 && o.Decoder.MaxBytes > 0, "Vision:Decoder limits must be positive.")
            .Validate(o => o.Decoder.MaxAncillaryChunkBytes >= 0 && o.Decoder.MaxCompressedChunkBytes >= 0 && o.Decoder.MaxConcurrentDecodes >= 0
                    && o.Decoder.MaxAllocationMegabytes >= 16 && o.Decoder.MaxPoolMegabytes >= 0
                    && o.Decoder.QueueTimeout >= TimeSpan.Zero && o.Decoder.QueueTimeout <= TimeSpan.FromMinutes(1),
                "Vision:Decoder: chunk limits and MaxConcurrentDecodes must be >= 0, MaxAllocationMegabytes >= 16, QueueTimeout within 0..1 min.")
            .ValidateOnStart();
        services.TryAddSingleton<ModelSessionFactory>();
        services.TryAddSingleton<ImageDecoder>();
        services.TryAddSingleton<FaceDetector>();
        services.TryAddSingleton<TrackingFaceDetector>();
        services.TryAddSingleton<EmotionClassifier>();
        services.TryAddSingleton<PoseEstimator>();
        services.TryAddSingleton<ObjectDetector>();
        services.TryAddSingleton<FaceExpressionClassifier>();
        services.TryAddSingleton<EmotionFusion>();
        // Both emotion models and their fusion when all are enabled; Human's model alone otherwise.
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<VisionOptions>>().Value;
            var fused = o.FaceExpression.Enabled && o.EmotionFusion.Enabled;
            return new EmotionAnalyzer(
                sp.GetRequiredService<FaceDetector>(),
                sp.GetRequiredService<EmotionClassifier>(),
                fused ? sp.GetRequiredService<FaceExpressionClassifier>() : null,
                fused ? sp.GetRequiredService<EmotionFusion>() : null,
                sp.GetRequiredService<ImageDecoder>(),
                sp.GetRequiredService<ILogger<EmotionAnalyzer>>(),
                o.EmotionReuse,
                o.FaceTracking.Enabled && o.FaceTracking.FullDetectionEvery > 1 ? sp.GetRequiredService<TrackingFaceDetector>() : null);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, VisionModelValidator>());
        return services;
    }
}

/// <summary>Creates every enabled model's session at host start (and runs it once), so a bad model file fails fast and the first request is not slow.</summary>
internal sealed class VisionModelValidator : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly IOptions<VisionOptions> _options;
    private readonly ILogger<VisionModelValidator> _logger;

    public VisionModelValidator(IServiceProvider services, IOptions<VisionOptions> options, ILogger<VisionModelValidator> logger)
    {
        _services = services;
        _options = options;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = _options.Value;
        if (!o.ValidateOnStart)
        {
            return Task.CompletedTask;
        }
        var loaded = new List<string>();
        // One inference on a blank frame each: ORT allocates its buffers on the first run, and that should
        // happen here rather than in the first user's request.
        var blank = new RgbFrame(new byte[64 * 64 * 3], 64, 64);
        void Load<T>(ModelOptions model, Action<T> warmUp)
            where T : notnull
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (model.Enabled)
            {
                warmUp(_services.GetRequiredService<T>());
                loaded.Add(model.FileName);
            }
        }
        Load<FaceDetector>(o.FaceDetector, d => d.Detect(blank, cancellationToken));
        Load<TrackingFaceDetector>(o.FaceTracking, d => d.Refind(blank, new DetectedFace(new ImageBox(16, 16, 32, 32), 1,
            new FaceLandmarks(new ImagePoint(24, 28), new ImagePoint(40, 28), new ImagePoint(32, 36), new ImagePoint(32, 42), new ImagePoint(17, 30), new ImagePoint(47, 30))), cancellationToken));
        Load<EmotionClassifier>(o.Emotion, e => e.ClassifyFaceCrop(blank, cancellationToken));
        Load<FaceExpressionClassifier>(o.FaceExpression, e => e.ClassifyFaceCrop(blank, cancellationToken));
        if (o.EmotionFusion.Enabled && o.FaceExpression.Enabled)
        {
            loaded.Add(_services.GetRequiredService<EmotionFusion>().Path);
        }
        Load<PoseEstimator>(o.Pose, p => p.Estimate(blank, null, cancellationToken));
        Load<ObjectDetector>(o.Objects, d => d.Detect(blank, cancellationToken));
        _logger.LogInformation("Vision models ready: {Models}", loaded);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
