using BlazorMood.Music.Context;
using BlazorMood.Playback.Kiosk;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorMood.Playback;

public static class PlaybackServiceCollectionExtensions
{
    /// <summary>
    /// What plays next: the player per circuit (section <c>Player</c>), live emotion fed into the recommender, and
    /// the kiosk's session (section <c>Kiosk</c>); options validated on start. The music feature (<c>AddMusic</c>) and
    /// the live analysis (<c>AddLiveAnalysis</c>) may be registered before or after.
    /// </summary>
    public static IServiceCollection AddPlayback(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(LiveContextBridge)))
        {
            return services;
        }
        services.AddOptions<PlayerOptions>()
            .BindConfiguration(PlayerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KioskOptions>()
            .BindConfiguration(KioskOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.HighMotion > o.MovingMotion, "Kiosk:HighMotion must be above Kiosk:MovingMotion.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RecommendationContextReporter>();
        services.TryAddSingleton<KioskStreams>();
        services.AddSingleton<LiveContextBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveContextBridge>());
        services.AddScoped<PlayerState>();
        services.AddScoped<KioskSession>();
        return services;
    }
}
