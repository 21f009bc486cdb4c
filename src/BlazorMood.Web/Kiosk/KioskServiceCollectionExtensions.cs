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
        services.AddSingleton<KioskPairing>();
        services.AddKioskDeviceValidation();
        return services;
    }

    /// <summary>The device link (<c>/kiosk/enroll</c>) and the refusal page; <c>/kiosk</c> itself is a Razor page.</summary>
    public static IEndpointRouteBuilder MapKiosk(this IEndpointRouteBuilder endpoints) => endpoints.MapKioskEndpoints();
}
