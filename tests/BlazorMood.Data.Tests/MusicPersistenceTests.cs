using System.Text.Json;
using BlazorMood.Data.Jobs;
using BlazorMood.Data.Music;
using BlazorMood.Music;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using BlazorMood.Music.Synthesis;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Data.Tests;

/// <summary>
/// The music library imported into SQLite, background analysis and feedback persistence, each through a service
/// provider wired like a node that runs workers (AddData, AddMusic, AddTrackAnalysisWorker, which brings the job engine) and its
/// hosted services started.
/// </summary>
public sealed class MusicPersistenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-music-data-").FullName;
    private readonly List<RunningHost> _hosts = [];

    private string Library => Path.Combine(_root, "library");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task The_starter_library_is_imported_at_start_up_with_its_features()
    {
        var host = await StartAsync(RepoPlaylists(), watch: false, analyze: false);

        await EventuallyAsync(host, async db => await db.Tracks.CountAsync() == 70);
        await using var db = await host.DbAsync();
        Assert.Equal(14, await db.Playlists.CountAsync(p => !p.Removed));
        var tracks = await db.Tracks.ToListAsync();
        Assert.Equal(70, tracks.Count(t => !t.Removed));
        Assert.All(tracks, t =>
        {
            Assert.NotNull(t.Bpm);
            Assert.NotNull(t.EnergyDb);
            Assert.NotNull(t.BrightnessHz);
            Assert.False(t.NeedsAnalysis);
            Assert.True(t.DurationSeconds > 0);
            Assert.EndsWith(".opus", t.RelativePath, StringComparison.Ordinal);
        });
        // Ids are the library's own, so the API, the recommender and the database agree.
        var library = host.Services.GetRequiredService<IMusicLibrary>().Current;
        Assert.Equal(library.Tracks.Select(t => t.Id).Order(), tracks.Select(t => t.Id).Order());
        Assert.Empty(await db.LibraryProblems.ToListAsync());
    }

    [Fact]
    public async Task A_file_change_re_imports_and_a_removed_track_is_marked_then_restored()
    {
        WritePlaylist("emotion_happy", ("a", 120), ("b", 124));
        WritePlaylist("emotion_sad", ("c", 70));
        var host = await StartAsync(Library, watch: true, analyze: false);
        await EventuallyAsync(host, async db => await db.Tracks.CountAsync() == 3);

        WritePlaylist("emotion_happy", ("a", 120), ("b", 124), ("d", 128));
        await EventuallyAsync(host, async db => await db.Tracks.CountAsync(t => !t.Removed) == 4);

        var b = PlaylistLoader.MakeId("emotion_happy/b.opus");
        File.Delete(Path.Combine(Library, "emotion_happy", "b.opus"));
        WritePlaylist("emotion_happy", ("a", 120), ("d", 128), ("missing", 100));
        await EventuallyAsync(host, async db => (await db.Tracks.FindAsync(b))!.Removed);
        await using (var db = await host.DbAsync())
        {
            Assert.Equal(4, await db.Tracks.CountAsync());
            Assert.NotNull((await db.Tracks.FindAsync(b))!.RemovedAtUtc);
            // The entry whose file is missing is reported and skipped, not imported.
            Assert.Contains(await db.LibraryProblems.ToListAsync(), p => p.Kind == nameof(LibraryProblemKind.FileMissing) && p.Playlist == "emotion_happy");
        }

        WritePlaylist("emotion_happy", ("a", 120), ("b", 124), ("d", 128));
        await EventuallyAsync(host, async db => !(await db.Tracks.FindAsync(b))!.Removed);
        await using (var db = await host.DbAsync())
        {
            var restored = (await db.Tracks.FindAsync(b))!;
            Assert.Null(restored.RemovedAtUtc);
            Assert.Equal(124, restored.Bpm);
            Assert.Equal(4, await db.Tracks.CountAsync());
            Assert.DoesNotContain(await db.LibraryProblems.ToListAsync(), p => p.Kind == nameof(LibraryProblemKind.FileMissing));
        }
    }

    [Fact]
    public async Task A_broken_metadata_json_is_reported_and_leaves_imported_tracks_intact()
    {
        WritePlaylist("emotion_happy", ("a", 120), ("b", 124));
        WritePlaylist("emotion_sad", ("c", 70));
        var host = await StartAsync(Library, watch: false, analyze: false);
        await EventuallyAsync(host, async db => await db.Tracks.CountAsync() == 3);

        await File.WriteAllTextAsync(Path.Combine(Library, "emotion_sad", "metadata.json"), "[ { \"title\": ");
        var snapshot = await host.Services.GetRequiredService<MusicLibrary>().ReloadAsync();
        Assert.Contains(snapshot.Problems, p => p.Kind == LibraryProblemKind.BrokenJson);

        await EventuallyAsync(host, async db => await db.LibraryProblems.AnyAsync(p => p.Kind == nameof(LibraryProblemKind.BrokenJson)));
        await using var db = await host.DbAsync();
        var problem = await db.LibraryProblems.SingleAsync(p => p.Kind == nameof(LibraryProblemKind.BrokenJson));
        Assert.Equal("emotion_sad", problem.Playlist);
        var tracks = await db.Tracks.ToListAsync();
        Assert.Equal(3, tracks.Count);
        Assert.All(tracks, t => Assert.False(t.Removed));
        // An unreadable playlist says nothing about its tracks: they stay as last imported.
        Assert.False((await db.Playlists.FindAsync("emotion_sad"))!.Removed);
    }

    [Fact]
    public async Task Background_analysis_stores_the_tempo_of_a_click_track_and_the_recommender_sees_it()
    {
        Directory.CreateDirectory(Path.Combine(Library, "activity_running"));
        WavWriter.Write(Path.Combine(Library, "activity_running", "click.wav"), Drums.ClickTrack(120, 12), MoodSynth.SampleRate);
        await File.WriteAllTextAsync(Path.Combine(Library, "activity_running", "metadata.json"),
            JsonSerializer.Serialize(new[]
            {
                new { title = "Click 120 [generated]", artist = "Test", duration = 12.0, filepath = "click.wav" },
                new { title = "Placeholder", artist = "Test", duration = 12.0, filepath = "empty.wav" },
            }));
        await File.WriteAllBytesAsync(Path.Combine(Library, "activity_running", "empty.wav"), []);
        var id = PlaylistLoader.MakeId("activity_running/click.wav");
        var empty = PlaylistLoader.MakeId("activity_running/empty.wav");
        Assert.Null(new PlaylistLoader(Microsoft.Extensions.Logging.Abstractions.NullLogger<PlaylistLoader>.Instance, TimeProvider.System)
            .Load(Library, 1 << 20).FindTrack(id)!.Features.Bpm);

        var host = await StartAsync(Library, watch: false, analyze: true);

        await EventuallyAsync(host, async db => (await db.Tracks.FindAsync(id))?.AnalyzedAtUtc is not null, TimeSpan.FromSeconds(90));
        await using var db = await host.DbAsync();
        var row = (await db.Tracks.FindAsync(id))!;
        Assert.Null(row.AnalysisError);
        Assert.InRange(row.Bpm!.Value, 120 * 0.98, 120 * 1.02);
        Assert.Equal(row.MeasuredBpm, row.Bpm);
        Assert.NotNull(row.EnergyDb);
        Assert.NotNull(row.BrightnessHz);
        Assert.False(row.NeedsAnalysis);
        // An empty file is marked at import, never handed to ffmpeg, and not retried.
        var placeholder = (await db.Tracks.FindAsync(empty))!;
        Assert.Equal("The audio file is empty.", placeholder.AnalysisError);
        Assert.Null(placeholder.AnalyzedAtUtc);
        Assert.False(placeholder.NeedsAnalysis);

        // The rest of the tagging is stored too: loudness, attack density and the mood estimate.
        Assert.NotNull(row.MeasuredLoudnessLufs);
        Assert.InRange(row.MeasuredOnsetsPerSecond!.Value, 1.8, 2.2);
        Assert.InRange(row.MeasuredValence!.Value, 0, 1);
        Assert.InRange(row.MeasuredArousal!.Value, 0, 1);

        var seen = host.Services.GetRequiredService<IMusicLibrary>().Current.FindTrack(id)!.Features;
        Assert.Equal(row.Bpm, seen.Bpm);
        Assert.Equal(row.BrightnessHz, seen.BrightnessHz);
        Assert.Equal(row.MeasuredLoudnessLufs, seen.LoudnessLufs);
        Assert.Equal(row.MeasuredArousal, seen.Arousal);
        var rec = host.Services.GetRequiredService<Recommender>().Recommend(new RecommendationRequest { UserId = "u", Activity = "running" });
        Assert.Equal(Math.Round(row.Bpm.Value, 1), rec.Tracks.Single(t => t.Id == id).Bpm);
        Assert.Equal(seen.PlaybackGainDb(new BlazorMood.Music.MusicOptions().TargetLoudnessLufs), rec.Tracks.Single(t => t.Id == id).GainDb);
    }

    [Fact]
    public async Task A_restart_on_unchanged_files_updates_nothing_and_keeps_stored_analysis()
    {
        WritePlaylist("emotion_happy", ("a", 120), ("b", 124));
        var first = await StartAsync(Library, watch: false, analyze: false);
        await EventuallyAsync(first, async db => await db.Tracks.CountAsync() == 2);
        await first.DisposeAsync();

        var importer = (await StartAsync(Library, watch: false, analyze: false)).Services.GetRequiredService<LibraryImporter>();
        await using var files = new ServiceCollection().AddLogging().AddMusic(o => { o.LibraryPath = Library; o.WatchForChanges = false; }).BuildServiceProvider();
        var snapshot = await files.GetRequiredService<MusicLibrary>().ReloadAsync();
        var result = await importer.ImportAsync(snapshot, CancellationToken.None);

        Assert.Equal(new LibraryImportResult(0, 0, 0, 0, snapshot.Problems.Count, 0), result);
    }

    [Fact]
    public async Task Feedback_and_plays_survive_a_restart_and_the_recommender_prefers_the_liked_track()
    {
        WritePlaylist("emotion_happy", ("a", 120), ("b", 120), ("c", 120), ("d", 120), ("e", 120));
        var liked = PlaylistLoader.MakeId("emotion_happy/c.opus");
        var played = PlaylistLoader.MakeId("emotion_happy/e.opus");
        string contextKey;
        var first = await StartAsync(Library, watch: false, analyze: false);
        await EventuallyAsync(first, async db => await db.Tracks.CountAsync() == 5);
        {
            var recommender = first.Services.GetRequiredService<Recommender>();
            var rec = recommender.Recommend(new RecommendationRequest { UserId = "listener", Mode = RecommendationMode.Context, Emotion = "happy" });
            contextKey = rec.Context.ContextKey;
            for (var i = 0; i < 8; i++)
            {
                recommender.Feedback("listener", liked, FeedbackKind.Like);
                foreach (var other in rec.Tracks.Where(t => t.Id != liked && t.Id != played))
                {
                    recommender.Feedback("listener", other.Id, FeedbackKind.Skip);
                }
            }
            recommender.Feedback("listener", played, FeedbackKind.Complete);
            recommender.Played("listener", played);
        }
        await first.DisposeAsync();

        var second = await StartAsync(Library, watch: false, analyze: false);
        await using (var db = await second.DbAsync())
        {
            Assert.Equal(8, await db.TrackFeedback.CountAsync(f => f.TrackId == liked && f.Kind == "like" && f.UserId == "listener" && f.ContextKey == contextKey));
            Assert.Equal(1, await db.TrackPlays.CountAsync(p => p.TrackId == played));
        }
        var store = second.Services.GetRequiredService<IFeedbackStore>();
        Assert.IsType<PersistentFeedbackStore>(store);
        Assert.Equal(new FeedbackCounts(8, 0), store.GetCounts("listener", contextKey, liked));
        Assert.Equal(0.5, store.GetCounts("listener", contextKey, played).Likes);
        Assert.Equal([played], store.RecentPlays("listener", 10));

        var again = second.Services.GetRequiredService<Recommender>();
        var firsts = Enumerable.Range(0, 20)
            .Select(_ => again.Recommend(new RecommendationRequest { UserId = "listener", Mode = RecommendationMode.Context, Emotion = "happy" }).Tracks[0].Id)
            .ToList();
        Assert.True(firsts.Count(id => id == liked) >= 15, $"liked track first {firsts.Count(id => id == liked)} of 20");
        Assert.DoesNotContain(played, firsts);
    }

    [Fact]
    public void Registration_order_does_not_matter_and_the_database_migrates_before_the_import()
    {
        var configuration = new ConfigurationBuilder().Build();
        var persistenceFirst = new ServiceCollection();
        persistenceFirst.AddMusicPersistence(configuration);
        persistenceFirst.AddMusic(o => o.LibraryPath = "library");
        persistenceFirst.AddData(configuration);
        var musicFirst = new ServiceCollection();
        musicFirst.AddMusic(o => o.LibraryPath = "library");
        musicFirst.AddData(configuration);
        musicFirst.AddMusicPersistence(configuration);

        foreach (var services in new[] { persistenceFirst, musicFirst })
        {
            // One registration each, and it is the persistence's (its factory is a lambda of that class), not AddMusic's default.
            Assert.True(RegisteredBy(Assert.Single(services, d => d.ServiceType == typeof(IMusicLibrary))));
            Assert.True(RegisteredBy(Assert.Single(services, d => d.ServiceType == typeof(IFeedbackStore))));
            var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType?.Name).ToList();
            Assert.Single(hosted, n => n == "DatabaseInitializer");
            Assert.True(hosted.IndexOf("DatabaseInitializer") < hosted.IndexOf(nameof(LibraryImportService)), string.Join(", ", hosted));
            // Only a node that calls AddTrackAnalysisWorker analyses tracks: elsewhere an import triggers nothing.
            Assert.DoesNotContain(services, d => d.ServiceType == typeof(TrackAnalysisSchedule) || d.ServiceType == typeof(JobKind));
            Assert.Equal("NoTrackAnalysisOnThisNode", Assert.Single(services, d => d.ServiceType == typeof(ITrackAnalysisTrigger)).ImplementationType?.Name);
        }
        persistenceFirst.AddTrackAnalysisWorker(configuration);
        persistenceFirst.AddTrackAnalysisWorker(configuration);
        // One analysis job kind (one pass at a time per node) and one schedule, which is what an import triggers.
        Assert.Equal(new JobKind(TrackAnalysisJob.Group, 1), Assert.Single(persistenceFirst, d => d.ServiceType == typeof(JobKind)).ImplementationInstance);
        Assert.Single(persistenceFirst, d => d.ServiceType == typeof(TrackAnalysisSchedule));
        Assert.Null(Assert.Single(persistenceFirst, d => d.ServiceType == typeof(ITrackAnalysisTrigger)).ImplementationType);
    }

    private static bool RegisteredBy(ServiceDescriptor descriptor) =>
        descriptor.ImplementationFactory?.Method.DeclaringType?.FullName?.StartsWith(typeof(MusicPersistenceServiceCollectionExtensions).FullName!, StringComparison.Ordinal) == true;

    private static string RepoPlaylists()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlazorMood.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "playlists");
    }

    /// <summary>A playlist folder with a placeholder audio file per track and full declared features (so no ffmpeg runs).</summary>
    private void WritePlaylist(string name, params (string File, double Bpm)[] tracks)
    {
        var dir = Path.Combine(Library, name);
        Directory.CreateDirectory(dir);
        foreach (var (file, _) in tracks)
        {
            var path = Path.Combine(dir, file + ".opus");
            if (!File.Exists(path) && file != "missing")
            {
                File.WriteAllBytes(path, [1, 2, 3]);
            }
        }
        var entries = tracks.Select(t => new
        {
            title = $"{t.File} [generated]", artist = "Test", duration = 30.0, filepath = t.File + ".opus",
            analysis = new { bpm = t.Bpm, energyDb = -18.0, brightnessHz = 1500.0 },
        });
        // Written to a temporary name and moved, so the watcher never reloads a half-written file.
        var temp = Path.Combine(Library, $".{name}.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(entries));
        File.Move(temp, Path.Combine(dir, "metadata.json"), overwrite: true);
    }

    private async Task<RunningHost> StartAsync(string library, bool watch, bool analyze)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:DatabasePath"] = "db/music.db",
            ["Data:Music:AnalyzeInBackground"] = analyze ? "true" : "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, TestLifetime>();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(_root));
        services.AddData(configuration);
        services.AddMusic(o =>
        {
            o.LibraryPath = library;
            o.WatchForChanges = watch;
            o.ReloadDebounce = TimeSpan.FromMilliseconds(100);
            o.Recommender.RandomSeed = 7;
        });
        services.AddTrackAnalysisWorker(configuration);
        var host = new RunningHost(services.BuildServiceProvider(validateScopes: true));
        _hosts.Add(host);
        await host.StartAsync();
        return host;
    }

    private static async Task EventuallyAsync(RunningHost host, Func<BlazorMoodDbContext, Task<bool>> condition, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (true)
        {
            await using (var db = await host.DbAsync())
            {
                if (await condition(db))
                {
                    return;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
