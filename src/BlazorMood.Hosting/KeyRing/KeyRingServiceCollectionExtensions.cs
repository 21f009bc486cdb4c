using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Hosting.KeyRing;

public static class KeyRingServiceCollectionExtensions
{
    /// <summary>
    /// Data Protection with one application name and the key ring in <c>DataProtection:KeysPath</c>, so cookies and
    /// antiforgery tokens issued by one process are accepted by every process reading that folder, and survive a
    /// restart. Without it each process would keep its own key ring in memory or in the user profile.
    /// </summary>
    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        services.AddOptions<DataProtectionKeyOptions>()
            .Bind(configuration.GetSection(DataProtectionKeyOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Read once here: the key ring's repository is built before options could be resolved from the container.
        var options = configuration.GetSection(DataProtectionKeyOptions.SectionName).Get<DataProtectionKeyOptions>() ?? new DataProtectionKeyOptions();
        var folder = Path.GetFullPath(string.IsNullOrWhiteSpace(options.KeysPath) ? new DataProtectionKeyOptions().KeysPath : options.KeysPath, environment.ContentRootPath);
        services.AddDataProtection()
            .SetApplicationName(DataProtectionKeyOptions.ApplicationName)
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        // One first key for all nodes that start together (see FirstKeyCreation).
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService(sp => new FirstKeyCreation(
            sp.GetRequiredService<IKeyManager>(),
            sp.GetRequiredService<IOptions<KeyManagementOptions>>(),
            folder,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FirstKeyCreation>>()));
        return services;
    }
}
