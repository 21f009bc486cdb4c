using BlazorMood.Data.Curation;
using BlazorMood.Data.Jobs;
using BlazorMood.Events;
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
    /// Persists the music feature: imports the library into the database at start-up and on every reload, has tracks
    /// without stored features analysed (on worker nodes), serves the recommender the stored features (replacing
    /// <see cref="IMusicLibrary"/> with <see cref="StoredFeaturesLibrary"/>) and keeps feedback and plays across
    /// restarts (replacing <see cref="IFeedbackStore"/> with <see cref="PersistentFeedbackStore"/>). Adds the database
    /// itself (<c>AddData</c>, so its migration is registered, and runs, before the import); <c>AddMusic</c> may come
    /// before or after (its defaults are TryAdd, so the replacements here hold either way). Tracks are analysed only
    /// where <see cref="AddTrackAnalysisWorker"/> is called; elsewhere an import leaves them to those nodes' re-check.
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
        // A node that analyses replaces this with its schedule in the job engine (AddTrackAnalysisWorker).
        services.TryAddSingleton<ITrackAnalysisTrigger, NoTrackAnalysisOnThisNode>();
        services.TryAddSingleton<TrackAnalysisClaims>();
        services.AddOptions<SubsonicSyncOptions>()
            .Bind(configuration.GetSection(SubsonicSyncOptions.SectionName))
            .Validate(o => o.AlbumPageSize is >= 1 and <= 500 && o.MaxSongs >= 1 && o.TagConcurrency is >= 1 and <= 8
                && o.UnreachableRetryAfter > TimeSpan.Zero,
                "Music:Subsonic:Sync: AlbumPageSize 1..500, MaxSongs >= 1, TagConcurrency 1..8, UnreachableRetryAfter > 0.")
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
    /// Analyses the library's tracks that have no stored features yet on this node (with
    /// <see cref="AddMusicPersistence"/>), as a kind of job of the job engine: this node runs jobs
    /// (<see cref="JobEngineServiceCollectionExtensions.AddJobEngineWorker"/>), and <see cref="TrackAnalysisSchedule"/>
    /// puts this node's <see cref="TrackAnalysisJob"/> into the engine at start, to run after each import here and every
    /// <see cref="MusicPersistenceOptions.AnalysisRecheckInterval"/>. A node that only serves users does not call this.
    /// </summary>
    public static IServiceCollection AddTrackAnalysisWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMusicPersistence(configuration);
        if (services.Any(d => d.ServiceType == typeof(TrackAnalysisSchedule)))
        {
            return services;
        }
        // After the engine's hosted services (its tables, its scheduler): the schedule is written into its tables.
        services.AddJobEngineWorker(configuration);
        // One pass at a time on a node, so analysis never takes more than one core from live inference.
        services.AddJobKind<TrackAnalysisJob>(new JobKind(TrackAnalysisJob.Group, 1));
        services.TryAddSingleton<TrackAnalysisWorker>();
        services.AddSingleton<TrackAnalysisSchedule>();
        services.Replace(ServiceDescriptor.Singleton<ITrackAnalysisTrigger>(sp => sp.GetRequiredService<TrackAnalysisSchedule>()));
        services.AddHostedService(sp => sp.GetRequiredService<TrackAnalysisSchedule>());
        return services;
    }

    /// <summary>
    /// Syncs and tags the songs of configured Subsonic servers into the library (<see cref="SubsonicLibrarySync"/>,
    /// with <see cref="AddMusicPersistence"/>) on this node's side: queues syncs in the job engine, reads their status
    /// from the database, keeps this node's catalogue of synced songs (<see cref="SubsonicCatalogService"/>). Running
    /// the syncs is <see cref="AddSubsonicSyncWorker"/>'s. Needs the Subsonic source's services:
    /// <see cref="SubsonicServerStore"/> and, where syncs run, <see cref="SubsonicClient"/> and
    /// <see cref="SubsonicTrackAnalyzer"/>.
    /// </summary>
    public static IServiceCollection AddSubsonicLibrarySync(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMusicPersistence(configuration);
        if (services.Any(d => d.ServiceType == typeof(SubsonicLibrarySync)))
        {
            return services;
        }
        services.AddJobEngine(configuration);
        // Other nodes rebuild their catalogue when a sync (run anywhere) changed a server's songs.
        services.AddDistributedEvent<SubsonicLibraryChanged>("subsonic");
        services.TryAddSingleton<SubsonicSyncStatusStore>();
        services.AddSingleton<SubsonicLibrarySync>();
        services.AddHostedService<SubsonicCatalogService>();
        return services;
    }

    /// <summary>
    /// Runs Subsonic syncs on this node (<see cref="AddSubsonicLibrarySync"/> plus the job kind
    /// <see cref="SubsonicSyncJob"/>, one sync at a time per node, and the engine's scheduler). Called where the other
    /// job workers are (the worker host, a web node in role <c>all</c>).
    /// </summary>
    public static IServiceCollection AddSubsonicSyncWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSubsonicLibrarySync(configuration);
        services.AddJobEngineWorker(configuration);
        // One at a time per node: tagging decodes audio on this node's cores (TagConcurrency songs at once).
        services.AddJobKind<SubsonicSyncJob>(new JobKind(SubsonicSyncJob.Group, 1));
        return services;
    }

    /// <summary>Registered once by <see cref="AddMusicPersistence"/>.</summary>
    private sealed class MusicPersistenceMarker;
}
