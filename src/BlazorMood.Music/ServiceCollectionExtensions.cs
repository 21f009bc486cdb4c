using BlazorMood.Media;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Context;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Music;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the music library (with its file watcher), audio analysis, the context store, feedback store and the
    /// recommender as singletons, binding <see cref="MusicOptions"/> from the <c>Music</c> section (and the ffmpeg settings from
    /// <c>Ffmpeg</c>). A relative
    /// <see cref="MusicOptions.LibraryPath"/> is resolved against the host's content root when there is a host.
    /// </summary>
    public static IServiceCollection AddMusic(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: MusicOptions.SectionName } s ? s : configuration.GetSection(MusicOptions.SectionName);
        services.AddOptions<MusicOptions>().Bind(section);
        // Given the root configuration (not just this feature's section), the shared ffmpeg settings come from it too.
        services.AddFfmpeg(configuration is IConfigurationSection ? null : configuration);
        return services.AddMusicCore();
    }

    /// <summary>Registers the music services with options set in code (tools, tests).</summary>
    public static IServiceCollection AddMusic(this IServiceCollection services, Action<MusicOptions> configure)
    {
        services.AddOptions<MusicOptions>().Configure(configure);
        return services.AddMusicCore();
    }

    private static IServiceCollection AddMusicCore(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddFfmpeg();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MusicOptions>()
            .PostConfigure<IServiceProvider>((o, sp) =>
            {
                if (!Path.IsPathRooted(o.LibraryPath) && sp.GetService<IHostEnvironment>() is { } env)
                {
                    o.LibraryPath = Path.Combine(env.ContentRootPath, o.LibraryPath);
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.LibraryPath), "Music:LibraryPath must be set.")
            .Validate(o => o.ReloadDebounce >= TimeSpan.Zero && o.MaxMetadataBytes > 0, "Music:ReloadDebounce must be >= 0 and MaxMetadataBytes > 0.")
            .Validate(o => o.TargetLoudnessLufs is >= -40 and <= -5, "Music:TargetLoudnessLufs must be between -40 and -5 LUFS.")
            .Validate(o => o.Analysis.MaxDuration > TimeSpan.Zero && o.Analysis.TempoPriorBpm > 0 && o.Analysis.TempoPriorOctaves > 0,
                "Music:Analysis: MaxDuration > 0, TempoPriorBpm > 0, TempoPriorOctaves > 0.")
            .Validate(o => o.Recommender.EmotionWindow >= TimeSpan.Zero && o.Recommender.QueueLength >= 1 && o.Recommender.NoRepeatWithin >= 0
                    && o.Recommender.CandidatePool >= 1 && o.Recommender.FeedbackWeight is >= 0 and <= 1 && o.Recommender.MaxUsers >= 1,
                "Music:Recommender: EmotionWindow >= 0, QueueLength >= 1, NoRepeatWithin >= 0, CandidatePool >= 1, FeedbackWeight in [0, 1], MaxUsers >= 1.");
        services.TryAddSingleton<PlaylistLoader>();
        services.TryAddSingleton<MusicLibrary>();
        services.TryAddSingleton<IMusicLibrary>(sp => sp.GetRequiredService<MusicLibrary>());
        services.TryAddSingleton<IContextStore, InMemoryContextStore>();
        services.TryAddSingleton<IFeedbackStore, InMemoryFeedbackStore>();
        // No curation unless the admin feature (AddLibraryCuration) replaces it.
        services.TryAddSingleton<ICurationState>(new FixedCurationState(CurationSnapshot.Empty));
        services.TryAddSingleton<Recommender>();
        services.TryAddSingleton<AudioAnalyzer>();
        services.TryAddSingleton<MetadataAnalysisWriter>();
        return services;
    }
}
