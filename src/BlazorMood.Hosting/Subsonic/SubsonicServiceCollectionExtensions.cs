using BlazorMood.Data.Music;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Subsonic;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace BlazorMood.Hosting.Subsonic;

/// <summary>Where the Subsonic server list is kept (bound from <c>Music:Subsonic</c>).</summary>
public sealed class SubsonicSourceOptions
{
    public const string SectionName = "Music:Subsonic";

    /// <summary>
    /// The JSON file of configured servers, relative to the content root; passwords in it are Data Protection
    /// ciphertext. Every node (web nodes and the worker host, which runs the syncs) must read the same file.
    /// </summary>
    public string ServersPath { get; set; } = "data/subsonic-servers.json";

    /// <summary>Longest wait for a Subsonic server's answer (streams: for the headers).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Protects Subsonic passwords with the host's Data Protection key ring (the keys the sign-in cookies use).</summary>
public sealed class DataProtectionSubsonicSecretProtector(IDataProtectionProvider provider) : ISubsonicSecretProtector
{
    // The purpose string isolates these ciphertexts: no other protector of the app can read them, nor they its.
    private readonly IDataProtector _protector = provider.CreateProtector("BlazorMood.Subsonic.ServerPassword.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}

public static class SubsonicServiceCollectionExtensions
{
    /// <summary>
    /// The Subsonic servers on a host, web or worker: the server list (<see cref="SubsonicServerStore"/>, passwords
    /// opened with the Data Protection key ring, so the host must also call <c>AddSharedKeyRing</c> with the shared
    /// <c>DataProtection:KeysPath</c>), the client, the song analyzer (needs <c>AddMusic</c>'s
    /// <see cref="AudioAnalyzer"/>) and the library sync's queue and status (<c>AddSubsonicLibrarySync</c>). Whether
    /// this node also runs syncs is <c>AddSubsonicSyncWorker</c>'s.
    /// </summary>
    public static IServiceCollection AddSubsonicServers(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(SubsonicServerStore)))
        {
            return services;
        }
        services.AddOptions<SubsonicSourceOptions>()
            .Bind(configuration.GetSection(SubsonicSourceOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ServersPath) && o.Timeout > TimeSpan.Zero, "Music:Subsonic: ServersPath must be set and Timeout > 0.")
            .ValidateOnStart();
        services.AddSingleton<ISubsonicSecretProtector, DataProtectionSubsonicSecretProtector>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SubsonicSourceOptions>>().Value;
            var path = Path.GetFullPath(o.ServersPath, sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new SubsonicServerStore(path, sp.GetRequiredService<ISubsonicSecretProtector>());
        });
        services.AddHttpClient<SubsonicClient>((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<SubsonicSourceOptions>>().Value.Timeout);
        services.AddSingleton(sp => new SubsonicTrackAnalyzer(sp.GetRequiredService<SubsonicClient>(), sp.GetRequiredService<AudioAnalyzer>(),
            sp.GetRequiredService<ILogger<SubsonicTrackAnalyzer>>()));
        services.AddSubsonicLibrarySync(configuration);
        return services;
    }
}
