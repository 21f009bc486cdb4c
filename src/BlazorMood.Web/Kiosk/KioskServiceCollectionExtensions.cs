namespace BlazorMood.Web.Kiosk;

public static class KioskServiceCollectionExtensions
{
    /// <summary>
    /// The gym kiosk: options (section <c>Kiosk</c>, validated on start), the per-circuit session that steers the music,
    /// the device registry with its one-time links, and the per-request device check on the sign-in cookie. Call after
    /// AddAccounts (it extends the Identity cookie) and AddRecommendationApi (it drives the player).
    /// </summary>
    public static IServiceCollection AddKiosk(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<KioskOptions>()
            .BindConfiguration(KioskOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<KioskSession>();
        services.AddSingleton<KioskDeviceEvents>();
        services.AddSingleton<IKioskDevices, KioskDeviceService>();
        services.AddKioskDeviceValidation();
        return services;
    }

    /// <summary>The device link (<c>/kiosk/enroll</c>) and the refusal page; <c>/kiosk</c> itself is a Razor page.</summary>
    public static IEndpointRouteBuilder MapKiosk(this IEndpointRouteBuilder endpoints) => endpoints.MapKioskEndpoints();
}
