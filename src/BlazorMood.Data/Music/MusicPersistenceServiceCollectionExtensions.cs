using BlazorMood.Data.Curation;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using BlazorMood.Music.Subsonic;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorMood.Data.Music;

public static class MusicPersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Persists the music feature: imports the library into the database at start-up and on every reload, analyses
    /// tracks without stored features in the background, serves the recommender the stored features (replacing
    /// <see cref="IMusicLibrary"/> with <see cref="StoredFeaturesLibrary"/>) and keeps feedback and plays across
    /// restarts (replacing <see cref="IFeedbackStore"/> with <see cref="PersistentFeedbackStore"/>). Adds the database
    /// itself (<c>AddData</c>, so its migration is registered, and runs, before the import); <c>AddMusic</c> may come
    /// before or after (its defaults are TryAdd, so the replacements here hold either way). The analysis worker runs
    /// only where <see cref="AddTrackAnalysisWorker"/> is called.
    /// </summary>
    public static IServiceCollection AddMusicPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(MusicPersistenceMarker)))
        {
            return services;
        }
        services.AddSingleton<MusicPersistenceMarker>();
        services.AddData(configuration);
        services.AddOptions<MusicPersistenceOptions>()
            .Bind(configuration.GetSection(MusicPersistenceOptions.SectionName))
            .Validate(o => o.WriteQueueCapacity >= 1 && o.MaxPlaysLoaded >= 0, "Data:Music: WriteQueueCapacity >= 1, MaxPlaysLoaded >= 0.")
            .Validate(o => o.AnalysisLease >= TimeSpan.FromSeconds(1) && o.AnalysisLease <= TimeSpan.FromDays(1),
                "Data:Music:AnalysisLease must be between 00:00:01 and 1.00:00:00.")
            .Validate(o => o.AnalysisRecheckInterval >= TimeSpan.FromMilliseconds(100) && o.AnalysisRecheckInterval <= TimeSpan.FromDays(1),
                "Data:Music:AnalysisRecheckInterval must be between 00:00:00.1 and 1.00:00:00.")
            .ValidateOnStart();

        services.TryAddSingleton<StoredTrackFeatures>();
        services.TryAddSingleton<LibraryImporter>();
        services.TryAddSingleton<TrackAnalysisSignal>();
        services.TryAddSingleton<TrackAnalysisClaims>();
        services.AddOptions<SubsonicSyncOptions>()
            .Bind(configuration.GetSection(SubsonicSyncOptions.SectionName))
            .Validate(o => o.AlbumPageSize is >= 1 and <= 500 && o.MaxSongs >= 1 && o.TagConcurrency is >= 1 and <= 8 && o.QueueCapacity >= 1
                && o.UnreachableRetryAfter > TimeSpan.Zero,
                "Music:Subsonic:Sync: AlbumPageSize 1..500, MaxSongs >= 1, TagConcurrency 1..8, QueueCapacity >= 1, UnreachableRetryAfter > 0.")
            .ValidateOnStart();
        services.TryAddSingleton<SubsonicTrackCatalog>();
        services.Replace(ServiceDescriptor.Singleton<IMusicLibrary>(sp =>
            new StoredFeaturesLibrary(sp.GetRequiredService<MusicLibrary>(), sp.GetRequiredService<StoredTrackFeatures>(), sp.GetRequiredService<SubsonicTrackCatalog>())));
        services.AddHostedService<LibraryImportService>();
        // The analysis worker reports its progress to the notifier the Admin page watches; the stored outcomes
        // (failures survive restarts) come from the database.
        services.TryAddSingleton<TrackAnalysisNotifier>();
        services.AddCurationEvents();
        services.Replace(ServiceDescriptor.Singleton<ITrackAnalysisStatus, StoredAnalysisStatus>());

        services.TryAddSingleton<InMemoryFeedbackStore>();
        services.TryAddSingleton<PersistentFeedbackStore>();
        services.Replace(ServiceDescriptor.Singleton<IFeedbackStore>(sp => sp.GetRequiredService<PersistentFeedbackStore>()));
        services.AddHostedService<FeedbackWriter>();
        return services;
    }

    /// <summary>
    /// Analyses the library's tracks that have no stored features yet, in the background of this node (with
    /// <see cref="AddMusicPersistence"/>). A node that only serves users does not call this.
    /// </summary>
    public static IServiceCollection AddTrackAnalysisWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMusicPersistence(configuration);
        services.AddHostedService<TrackAnalysisService>();
        return services;
    }

    /// <summary>
    /// Syncs and tags the songs of configured Subsonic servers into the library (<see cref="SubsonicLibrarySync"/>,
    /// with <see cref="AddMusicPersistence"/>). Needs the Subsonic source's services: <see cref="SubsonicServerStore"/>,
    /// <see cref="SubsonicClient"/> and <see cref="SubsonicTrackAnalyzer"/>.
    /// </summary>
    public static IServiceCollection AddSubsonicLibrarySync(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMusicPersistence(configuration);
        services.TryAddSingleton<SubsonicLibrarySync>();
        services.AddHostedService(sp => sp.GetRequiredService<SubsonicLibrarySync>());
        return services;
    }

    /// <summary>Registered once by <see cref="AddMusicPersistence"/>.</summary>
    private sealed class MusicPersistenceMarker;
}
