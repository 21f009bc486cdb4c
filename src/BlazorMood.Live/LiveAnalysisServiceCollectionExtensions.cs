using BlazorMood.Data;
using BlazorMood.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorMood.Live;

public static class LiveAnalysisServiceCollectionExtensions
{
    /// <summary>
    /// The live webcam path below the transport: options (section <c>Live</c>, validated on start), per-stream state,
    /// the frame processor with its tracker, the live-update notifier, emotion event recording (and so the database)
    /// and the instruments. The host adds the hub that feeds <see cref="LiveFrameProcessor"/>; the vision models come
    /// from <c>AddVision</c>, in any order.
    /// </summary>
    public static IServiceCollection AddLiveAnalysis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(LiveFrameProcessor)))
        {
            return services;
        }
        services.AddOptions<LiveOptions>()
            .BindConfiguration(LiveOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddData(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LiveStreamRegistry>();
        // Live updates reach the session's subscribers on every node (the kiosk's player may live on another node).
        services.AddDistributedEvent<LiveUpdate>("live");
        services.AddSingleton<LiveMoodNotifier>();
        services.AddSingleton<EmotionEventRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<EmotionEventRecorder>());
        services.AddSingleton<LiveMetrics>();
        services.AddSingleton<LiveFrameProcessor>();
        return services;
    }
}
