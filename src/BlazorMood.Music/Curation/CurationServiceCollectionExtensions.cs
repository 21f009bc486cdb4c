using BlazorMood.Media;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Curation;

public static class CurationServiceCollectionExtensions
{
    /// <summary>
    /// Library curation: the curation side file (replacing the empty <see cref="ICurationState"/> of <c>AddMusic</c>, so
    /// the recommender honours bans, pins, mappings and schedules live), the curator, ffprobe validation, TagLib tags,
    /// the analysis progress notifier, and a start-up clean-up of interrupted uploads and the expired trash. Binds
    /// <see cref="CurationOptions"/> from <c>Music:Curation</c>. Call after <c>AddMusic</c>.
    /// </summary>
    public static IServiceCollection AddLibraryCuration(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CurationOptions>().Bind(configuration.GetSection(CurationOptions.SectionName));
        services.AddFfmpeg(configuration);
        return services.AddLibraryCurationCore();
    }

    /// <summary>Curation with options set in code (tests, tools).</summary>
    public static IServiceCollection AddLibraryCuration(this IServiceCollection services, Action<CurationOptions> configure)
    {
        services.AddOptions<CurationOptions>().Configure(configure);
        return services.AddLibraryCurationCore();
    }

    private static IServiceCollection AddLibraryCurationCore(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(MusicLibrary)))
        {
            throw new InvalidOperationException("AddLibraryCuration needs AddMusic registered first.");
        }
        services.AddFfmpeg();
        services.AddOptions<CurationOptions>()
            .ValidateDataAnnotations()
            .Validate(o => o.MaxTrackDuration > TimeSpan.Zero && o.TrashRetention >= TimeSpan.Zero && o.ExternalChangePollInterval >= TimeSpan.Zero,
                "Music:Curation: MaxTrackDuration > 0, TrashRetention >= 0, ExternalChangePollInterval >= 0.")
            .ValidateOnStart();
        services.TryAddSingleton<CurationStore>();
        services.Replace(ServiceDescriptor.Singleton<ICurationState>(sp => sp.GetRequiredService<CurationStore>()));
        services.TryAddSingleton<AudioProbe>();
        services.TryAddSingleton<AudioTags>();
        services.TryAddSingleton<LibraryCurator>();
        services.TryAddSingleton<ILibraryCurator>(sp => sp.GetRequiredService<LibraryCurator>());
        services.TryAddSingleton<TrackAnalysisNotifier>();
        services.AddCurationEvents();
        services.TryAddSingleton<ITrackAnalysisStatus, NoTrackAnalysisStatus>();
        services.AddHostedService<CurationMaintenanceService>();
        return services;
    }
}

/// <summary>At start-up: removes what interrupted uploads left, purges the expired trash, and loads the curation file.</summary>
internal sealed partial class CurationMaintenanceService(LibraryCurator curator, CurationStore store, ILogger<CurationMaintenanceService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            curator.CleanUp();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCleanUpFailed(logger, ex);
        }
        var current = store.Current;
        if (store.LoadProblem is { } problem)
        {
            LogProblem(logger, problem);
        }
        LogReady(logger, current.Playlists.Count(), current.BannedPaths.Count, current.PinnedPlaylist);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Curation clean-up failed; leftovers stay until the next start")]
    private static partial void LogCleanUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation ready: {Playlists} playlists with settings, {Banned} banned tracks, pinned {Pinned}")]
    private static partial void LogReady(ILogger logger, int playlists, int banned, string? pinned);
}
