using BlazorMood.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using BlazorMood.Playback;
using BlazorMood.Playback.Kiosk;
namespace BlazorMood.Web.Kiosk;

public static class KioskServiceCollectionExtensions
{
    /// <summary>
    /// The gym kiosk: the per-circuit session that steers the music (<c>AddPlayback</c>), the device registry with its
    /// one-time links, and the per-request device check on the sign-in cookie.
    /// </summary>
    public static IServiceCollection AddKiosk(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPlayback(configuration);
        services.AddSingleton<KioskDeviceEvents>();
        services.AddSingleton<IKioskDevices, KioskDeviceService>();
        services.AddKioskPairing(configuration);
        services.AddKioskDeviceValidation();
        return services;
    }

    /// <summary>
    /// Pairing screens by a short code (<see cref="KioskPairing"/>): the waiting codes in this process, or, with
    /// <c>Redis:Configuration</c> set (several nodes), in Redis through the node's one connection, so a code shown by a
    /// screen on one node can be entered by an admin on another.
    /// </summary>
    public static IServiceCollection AddKioskPairing(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.AddRedisConnection(configuration).Enabled)
        {
            services.TryAddSingleton<IKioskPairingStore, RedisKioskPairingStore>();
        }
        else
        {
            services.TryAddSingleton<IKioskPairingStore, InMemoryKioskPairingStore>();
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KioskPairing>();
        return services;
    }

    /// <summary>The device link (<c>/kiosk/enroll</c>) and the refusal page; <c>/kiosk</c> itself is a Razor page.</summary>
    public static IEndpointRouteBuilder MapKiosk(this IEndpointRouteBuilder endpoints) => endpoints.MapKioskEndpoints();
}
