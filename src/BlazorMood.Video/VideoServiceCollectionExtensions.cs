using BlazorMood.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Video;

public static class VideoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FfmpegService"/>, <see cref="ActivityClassifier"/> and <see cref="ActivityPipeline"/> as
    /// singletons with <see cref="VideoOptions"/> bound from the <c>Video</c> section and the ffmpeg settings from
    /// <c>Ffmpeg</c> (both validated at start).
    /// The pipeline needs the vision models: call <c>AddVision</c> too.
    /// </summary>
    public static IServiceCollection AddVideo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: VideoOptions.SectionName } s ? s : configuration.GetSection(VideoOptions.SectionName);
        services.AddOptions<VideoOptions>().Bind(section);
        // Given the root configuration (not just this feature's section), the shared ffmpeg settings come from it too.
        services.AddFfmpeg(configuration is IConfigurationSection ? null : configuration);
        return services.AddVideoCore();
    }

    /// <summary>Registers the video services with options set in code (CLI tools, benchmarks, tests).</summary>
    public static IServiceCollection AddVideo(this IServiceCollection services, Action<VideoOptions> configure)
    {
        services.AddOptions<VideoOptions>().Configure(configure);
        return services.AddVideoCore();
    }

    private static IServiceCollection AddVideoCore(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddFfmpeg();
        services.AddOptions<VideoOptions>()
            .Validate(o => o.SampleFps is > 0 and <= 60, "Video:SampleFps must be in (0, 60].")
            .Validate(o => FfmpegService.IsValidFormatList(o.AllowedFormats)
                    && !o.AllowedFormats.Split(',').Any(f => f is "hls" or "concat" or "image2" or "ffmetadata" or "lavfi"),
                "Video:AllowedFormats must be a comma-separated list of demuxer names, and none of hls, concat, image2, ffmetadata, lavfi.")
            .Validate(o => o.ScaleWidth is >= 64 and <= 4096, "Video:ScaleWidth must be 64..4096.")
            .Validate(o => o.MaxDuration > TimeSpan.Zero && o.MaxFileBytes > 0, "Video:MaxDuration and MaxFileBytes must be positive.")
            .Validate(o => o.MinResolution >= 2 && o.MaxResolution >= o.MinResolution, "Video:MinResolution/MaxResolution are inconsistent.")
            .Validate(o => o.WindowSeconds > 0 && o.HopSeconds > 0 && o.HopSeconds <= o.WindowSeconds && o.PeriodicityWindowSeconds >= o.WindowSeconds,
                "Video: need 0 < HopSeconds <= WindowSeconds <= PeriodicityWindowSeconds.")
            .Validate(o => o.DetectEveryFrames >= 1 && o.ChannelCapacity >= 1 && o.MaxProgressPerSecond > 0, "Video: DetectEveryFrames, ChannelCapacity and MaxProgressPerSecond must be positive.")
            .Validate(o => o.DetectEveryFramesWhenStill >= 1 && o.PoseEveryFramesWhenStill is >= 1 and <= 10 && o.StillDisplacement >= 0 && o.PoseSearchEveryFrames >= 1,
                "Video: DetectEveryFramesWhenStill and PoseSearchEveryFrames must be positive, PoseEveryFramesWhenStill 1..10 and StillDisplacement non-negative.")
            .Validate(o => o.EncoderCrf is >= 0 and <= 51, "Video:EncoderCrf must be 0..51.")
            .Validate(o => o.DetectAheadFrames is >= 0 and <= 32, "Video:DetectAheadFrames must be 0..32 (0: the detector runs in line).")
            .Validate(o => o.DecoderThreads is >= 0 and <= 64 && o.EncoderThreads is >= 0 and <= 64, "Video:DecoderThreads and EncoderThreads must be 0..64 (0: ffmpeg chooses).")
            .ValidateOnStart();
        services.TryAddSingleton<FfmpegService>();
        services.TryAddSingleton<ActivityModel>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<VideoOptions>>();
            return new ActivityClassifier(options, options.Value.Model.Enabled ? sp.GetRequiredService<ActivityModel>() : null);
        });
        services.TryAddSingleton<ActivityPipeline>();
        return services;
    }
}
