using System.Collections.Concurrent;
using System.Text.Json;
using BlazorMood.Data.Music;
using BlazorMood.Music;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Synthesis;
using BlazorMood.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BlazorMood.Data.Tests;

/// <summary>
/// Track analysis shared by several workers on one database (issue 8: jobs claimed safely by concurrent workers, a
/// dead worker's job reclaimed after its lease). Each "worker" is its own service provider wired like a worker node
/// (AddData, AddMusic, AddTrackAnalysisWorker: the job engine running this node's analysis job) with its own engine
/// node name and worker id, over one library of generated click tracks that
/// real ffmpeg decodes. The shared database is a real PostgreSQL server (scripts/start-test-services.sh) or a SQLite file.
/// </summary>
public sealed class TrackAnalysisClaimTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-analysis-claims-").FullName;
    private readonly List<Worker> _workers = [];
    private PostgresTestDatabase? _postgres;

    private string Library => Path.Combine(_root, "library");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Two_workers_on_one_PostgreSQL_database_analyse_every_track_exactly_once()
    {
        var tempos = new[] { 80, 90, 100, 110, 120, 130, 140, 150 };
        var ids = WriteClickTracks("activity_running", tempos, seconds: 10);
        var database = await PostgresAsync();

        var workers = await Task.WhenAll(
            StartAsync(database, "a", analyze: true),
            StartAsync(database, "b", analyze: true));

        await EventuallyAsync(workers[0], async db => await db.Tracks.CountAsync(t => t.AnalyzedAtUtc != null) == ids.Count);
        await using var db = await workers[0].DbAsync();
        var rows = await db.Tracks.ToListAsync();
        Assert.All(rows, row =>
        {
            Assert.Null(row.AnalysisError);
            Assert.Null(row.AnalysisWorkerId);
            Assert.Null(row.AnalysisLeaseExpiresUtc);
            Assert.NotNull(row.MeasuredBpm);
        });
        await LoggedAsync(() => workers[0].Logs.Analysed.Count + workers[1].Logs.Analysed.Count >= ids.Count);
        var byA = workers[0].Logs.Analysed.ToList();
        var byB = workers[1].Logs.Analysed.ToList();
        // Every track measured and stored by exactly one of the two workers: none twice, none by both, none missed.
        Assert.Equal(ids.Count, byA.Count + byB.Count);
        Assert.Equal(ids.Order(), byA.Concat(byB).Order());
        Assert.Empty(byA.Intersect(byB));
        Assert.Empty(workers[0].Logs.Lost.Concat(workers[1].Logs.Lost));
        // The work was shared, not done twice by one and idled by the other.
        Assert.NotEmpty(byA);
        Assert.NotEmpty(byB);
        // And what was stored is the tempo in the file, whichever worker measured it.
        foreach (var (tempo, id) in tempos.Zip(ids))
        {
            Assert.InRange(rows.Single(r => r.Id == id).Bpm!.Value, tempo * 0.97, tempo * 1.03);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task A_dead_workers_claim_holds_until_its_lease_expires_then_another_worker_takes_the_track(DatabaseProvider provider)
    {
        var ids = WriteClickTracks("activity_walking", [100, 120], seconds: 6);
        var (claimed, free) = (ids[0], ids[1]);
        var database = provider == DatabaseProvider.Postgres ? await PostgresAsync() : null;

        // A node that imported the library and then died while analysing the first track: its claim is in the table.
        var importer = await StartAsync(database, "importer", analyze: false);
        await EventuallyAsync(importer, async db => await db.Tracks.CountAsync() == 2);
        var deadLeaseEnds = DateTime.UtcNow.AddSeconds(6);
        await using (var db = await importer.DbAsync())
        {
            Assert.Equal(1, await db.Tracks.Where(t => t.Id == claimed).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.AnalysisWorkerId, "dead-node/1-deadbeef")
                .SetProperty(t => t.AnalysisLeaseExpiresUtc, deadLeaseEnds)));
        }
        await importer.DisposeAsync();

        var survivor = await StartAsync(database, "survivor", analyze: true);

        await EventuallyAsync(survivor, async db => (await db.Tracks.FindAsync(free))!.AnalyzedAtUtc is not null);
        await using (var db = await survivor.DbAsync())
        {
            var row = (await db.Tracks.FindAsync(claimed))!;
            if (DateTime.UtcNow < deadLeaseEnds.AddSeconds(-1))
            {
                // While the lease runs the track stays the dead worker's: a slow worker is not overtaken.
                Assert.Equal("dead-node/1-deadbeef", row.AnalysisWorkerId);
                Assert.Null(row.AnalyzedAtUtc);
            }
        }
        // No import wakes the survivor again: its periodic re-check finds the expired claim.
        await EventuallyAsync(survivor, async db => (await db.Tracks.FindAsync(claimed))!.AnalyzedAtUtc is not null);
        await using (var db = await survivor.DbAsync())
        {
            var row = (await db.Tracks.FindAsync(claimed))!;
            Assert.True(row.AnalyzedAtUtc >= deadLeaseEnds, $"analysed at {row.AnalyzedAtUtc:O}, before the lease ended at {deadLeaseEnds:O}");
            Assert.Null(row.AnalysisWorkerId);
            Assert.Null(row.AnalysisLeaseExpiresUtc);
            Assert.InRange(row.Bpm!.Value, 100 * 0.97, 100 * 1.03);
        }
        await LoggedAsync(() => survivor.Logs.Analysed.Count >= 2);
        Assert.Equal(new[] { claimed, free }.Order(), survivor.Logs.Analysed.Order());
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task Only_the_current_holder_of_a_claim_stores_its_result(DatabaseProvider provider)
    {
        var ids = WriteClickTracks("activity_running", [120], seconds: 2);
        var id = ids[0];
        var database = provider == DatabaseProvider.Postgres ? await PostgresAsync() : null;
        var node = await StartAsync(database, "node", analyze: false);
        await EventuallyAsync(node, async db => await db.Tracks.CountAsync() == 1);
        var claims = node.Services.GetRequiredService<TrackAnalysisClaims>();
        var importer = node.Services.GetRequiredService<LibraryImporter>();
        var features = new AudioFeatures(2, 120, 0.9, -12, 1800);

        Assert.True(await claims.TryClaimAsync(id, "slow", TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.False(await claims.TryClaimAsync(id, "other", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Empty(await claims.FindClaimableAsync(CancellationToken.None));
        await Task.Delay(500);
        // The lease passed without renewal: the track is free again and the other worker takes it.
        Assert.Equal([id], await claims.FindClaimableAsync(CancellationToken.None));
        Assert.True(await claims.TryClaimAsync(id, "other", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.False(await claims.RenewAsync(id, "slow", TimeSpan.FromMinutes(1), CancellationToken.None));

        // The overtaken worker's late result is refused; the holder's is stored and ends the claim; a repeat writes nothing.
        Assert.False((await importer.StoreAnalysisAsync(id, "slow", features with { Bpm = 60 }, null, CancellationToken.None)).Stored);
        var stored = await importer.StoreAnalysisAsync(id, "other", features, null, CancellationToken.None);
        Assert.True(stored.Stored);
        Assert.Equal(120, stored.Features!.Bpm);
        Assert.False((await importer.StoreAnalysisAsync(id, "other", features, null, CancellationToken.None)).Stored);
        Assert.False(await claims.TryClaimAsync(id, "third", TimeSpan.FromMinutes(1), CancellationToken.None));
        await using var db = await node.DbAsync();
        var row = (await db.Tracks.FindAsync(id))!;
        Assert.Equal(120, row.MeasuredBpm);
        Assert.Equal(120, row.Bpm);
        Assert.Null(row.AnalysisWorkerId);
        Assert.Null(row.AnalysisLeaseExpiresUtc);
        Assert.NotNull(row.AnalyzedAtUtc);
    }

    [Fact]
    public async Task A_claim_is_renewed_while_a_long_file_decodes()
    {
        // Fifteen minutes of audio, all of it analysed, with a 1.5 s lease: three minutes decoded in under 0.5 s on a
        // quiet machine, so this takes a few seconds there (longer under load) and outlasts the lease several
        // times; the claim survives only by renewal. A faster machine than the test's must not make it pass by luck.
        var ids = WriteClickTracks("activity_running", [128], seconds: 900);
        var id = ids[0];
        var worker = await StartAsync(await PostgresAsync(), "long", analyze: true, lease: TimeSpan.FromSeconds(1.5), maxAnalysed: TimeSpan.FromMinutes(15));
        var holder = worker.Services.GetRequiredService<TrackAnalysisWorker>().WorkerId;

        var leases = new HashSet<DateTime>();
        var deadline = DateTime.UtcNow + Patience;
        TrackRecord row;
        while (true)
        {
            await using (var db = await worker.DbAsync())
            {
                row = await db.Tracks.AsNoTracking().SingleAsync(t => t.Id == id);
            }
            if (row.AnalyzedAtUtc is not null)
            {
                break;
            }
            if (row.AnalysisWorkerId is not null)
            {
                Assert.Equal(holder, row.AnalysisWorkerId);
                leases.Add(row.AnalysisLeaseExpiresUtc!.Value);
            }
            Assert.True(DateTime.UtcNow < deadline, "analysis not finished in time");
            await Task.Delay(50);
        }
        Assert.Null(row.AnalysisWorkerId);
        await LoggedAsync(() => !worker.Logs.Analysed.IsEmpty);
        Assert.Equal([id], worker.Logs.Analysed);
        Assert.Empty(worker.Logs.Lost);
        Assert.True(leases.Count >= 2, $"the lease was seen {leases.Count} time(s); decoding took less than a renewal period");
    }

    [Fact]
    public async Task Another_node_importing_the_same_files_on_PostgreSQL_changes_nothing_and_keeps_the_measurement()
    {
        var ids = WriteClickTracks("activity_running", [120], seconds: 4);
        var database = await PostgresAsync();
        var first = await StartAsync(database, "first", analyze: true);
        await EventuallyAsync(first, async db => (await db.Tracks.FindAsync(ids[0]))!.AnalyzedAtUtc is not null);
        DateTime analysedAt;
        await using (var db = await first.DbAsync())
        {
            analysedAt = (await db.Tracks.FindAsync(ids[0]))!.AnalyzedAtUtc!.Value;
        }

        // PostgreSQL keeps the file's modification time to the microsecond; the file system has 100 ns. Read back,
        // the stamp must still match the file, or every node's import would discard the measurement and analyse again.
        var second = await StartAsync(database, "second", analyze: false);
        var snapshot = second.Services.GetRequiredService<MusicLibrary>().Current;
        var result = await second.Services.GetRequiredService<LibraryImporter>().ImportAsync(snapshot, CancellationToken.None);

        Assert.Equal(0, result.Updated);
        Assert.Equal(0, result.NeedingAnalysis);
        await using var read = await second.DbAsync();
        var row = (await read.Tracks.FindAsync(ids[0]))!;
        Assert.Equal(analysedAt, row.AnalyzedAtUtc);
        Assert.NotNull(row.MeasuredBpm);
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres)]
    [InlineData(DatabaseProvider.Sqlite)]
    public async Task An_import_on_a_worker_node_is_analysed_through_the_engine_without_waiting_for_the_recheck(DatabaseProvider provider)
    {
        var first = WriteClickTracks("activity_running", [120], seconds: 6)[0];
        var database = provider == DatabaseProvider.Postgres ? await PostgresAsync() : null;
        // A re-check an hour away: only the engine's first firing at start and the import's trigger can run a pass.
        var worker = await StartAsync(database, "importing", analyze: true, recheck: TimeSpan.FromHours(1));
        await EventuallyAsync(worker, async db => (await db.Tracks.FindAsync(first))!.AnalyzedAtUtc is not null);

        // The node's analysis is a durable job of the engine, keyed by the node, with its re-check trigger.
        var scheduler = await worker.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var key = TrackAnalysisJob.KeyFor(scheduler.SchedulerInstanceId);
        var job = await scheduler.GetJobDetail(key);
        Assert.NotNull(job);
        Assert.True(job.Durable);
        var recheck = Assert.Single(await scheduler.GetTriggersOfJob(key));
        Assert.True(recheck.NextFireTimeUtc > DateTimeOffset.UtcNow.AddMinutes(30), $"next re-check at {recheck.NextFireTimeUtc:O}");
        Assert.Equal(TrackAnalysisJob.Group, recheck.ExecutionGroup);
        // On the clustered store the node's triggers are its own; SQLite has one process.
        Assert.Equal(provider == DatabaseProvider.Postgres ? scheduler.SchedulerInstanceId : null, recheck.PreferredNode.Node);

        var added = WriteClickTracks("activity_walking", [100], seconds: 6)[0];
        await worker.Services.GetRequiredService<MusicLibrary>().ReloadAsync();

        await EventuallyAsync(worker, async db => (await db.Tracks.FindAsync(added))?.AnalyzedAtUtc is not null);
        await using var read = await worker.DbAsync();
        Assert.InRange((await read.Tracks.FindAsync(added))!.Bpm!.Value, 100 * 0.97, 100 * 1.03);
        await LoggedAsync(() => worker.Logs.Analysed.Count >= 2);
        Assert.Equal(new[] { first, added }.Order(), worker.Logs.Analysed.Order());
    }

    [Fact]
    public async Task An_import_while_a_pass_runs_is_not_lost_but_analysed_by_one_more_pass_after_it()
    {
        // Fifteen minutes of audio keep the first pass busy for seconds; the import lands while it decodes.
        var running = WriteClickTracks("activity_running", [128], seconds: 900)[0];
        var worker = await StartAsync(null, "busy", analyze: true, maxAnalysed: TimeSpan.FromMinutes(15), recheck: TimeSpan.FromHours(1));
        await EventuallyAsync(worker, async db => (await db.Tracks.FindAsync(running))!.AnalysisWorkerId is not null);

        var added = WriteClickTracks("activity_walking", [100], seconds: 3)[0];
        await worker.Services.GetRequiredService<MusicLibrary>().ReloadAsync();
        await EventuallyAsync(worker, async db => await db.Tracks.FindAsync(added) is not null);
        await using (var db = await worker.DbAsync())
        {
            // The premise: the import's trigger came while the pass that had read the list before it still ran.
            Assert.Null((await db.Tracks.AsNoTracking().SingleAsync(t => t.Id == running)).AnalyzedAtUtc);
        }

        await EventuallyAsync(worker, async db => (await db.Tracks.FindAsync(added))?.AnalyzedAtUtc is not null);
        await using var read = await worker.DbAsync();
        var (first, second) = ((await read.Tracks.FindAsync(running))!, (await read.Tracks.FindAsync(added))!);
        Assert.NotNull(first.AnalyzedAtUtc);
        Assert.True(second.AnalyzedAtUtc >= first.AnalyzedAtUtc, $"added track analysed at {second.AnalyzedAtUtc:O}, before the running pass ended at {first.AnalyzedAtUtc:O}");
        await LoggedAsync(() => worker.Logs.Analysed.Count >= 2);
        Assert.Equal([running, added], worker.Logs.Analysed);
    }

    [Fact]
    public async Task On_SQLite_a_node_keeps_only_its_own_analysis_job_and_none_when_its_analysis_is_off()
    {
        WriteClickTracks("activity_running", [120], seconds: 2);
        var before = await StartAsync(null, "before", analyze: true);
        Assert.Single(await AnalysisJobsAsync(before));
        await before.DisposeAsync();

        // One process per SQLite database: a job under another name is this process's own from before a rename.
        var renamed = await StartAsync(null, "renamed", analyze: true);
        var scheduler = await renamed.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.Equal([TrackAnalysisJob.KeyFor(scheduler.SchedulerInstanceId)], await AnalysisJobsAsync(renamed));
        await renamed.DisposeAsync();

        var off = await StartAsync(null, "off", analyze: false);
        Assert.Empty(await AnalysisJobsAsync(off));

        static async Task<List<JobKey>> AnalysisJobsAsync(Worker worker)
        {
            var scheduler = await worker.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            return [.. await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(TrackAnalysisJob.Group))];
        }
    }

    [Fact]
    public async Task On_PostgreSQL_a_node_removes_the_analysis_job_of_a_node_gone_for_a_day_and_keeps_one_gone_for_an_hour()
    {
        WriteClickTracks("activity_running", [120], seconds: 2);
        var live = await StartAsync(await PostgresAsync(), "live", analyze: true);
        var scheduler = await live.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // Two nodes that are not in the cluster (no check-in), each with its job and re-check trigger stored as
        // TrackAnalysisSchedule stores a node's: one ran its own last pass two days ago, the other an hour ago.
        var gone = await StoreNodeJobAsync(scheduler, "gone-" + suffix, DateTimeOffset.UtcNow.AddDays(-2));
        var away = await StoreNodeJobAsync(scheduler, "away-" + suffix, DateTimeOffset.UtcNow.AddHours(-1));

        // Their triggers fail over to the live node, whose job only tidies up there.
        var deadline = DateTime.UtcNow + Patience;
        while (await scheduler.GetJobDetail(gone) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the job of the node gone for two days is still there");
            await Task.Delay(200);
        }
        // The other node's trigger fires every second too: a few more of its fail-over firings.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var kept = await scheduler.GetJobDetail(away);
        Assert.NotNull(kept);
        // Tidying up never runs a pass for another node, so its own last pass stays as it was.
        var lastOwnPass = DateTimeOffset.Parse(kept.JobDataMap.GetString("lastOwnPassUtc")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - lastOwnPass, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(62));
        Assert.NotEmpty(await scheduler.GetTriggersOfJob(away));
        Assert.NotNull(await scheduler.GetJobDetail(TrackAnalysisJob.KeyFor(scheduler.SchedulerInstanceId)));

        static async Task<JobKey> StoreNodeJobAsync(IScheduler scheduler, string node, DateTimeOffset lastOwnPass)
        {
            var key = TrackAnalysisJob.KeyFor(node);
            var job = JobBuilder.Create<TrackAnalysisJob>()
                .WithIdentity(key)
                .StoreDurably()
                .UsingJobData("lastOwnPassUtc", lastOwnPass.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
                .Build();
            var recheck = TriggerBuilder.Create()
                .WithIdentity(node + "/recheck", TrackAnalysisJob.Group)
                .ForJob(key)
                .WithExecutionGroup(TrackAnalysisJob.Group)
                .WithPreferredNode(PreferredNode.For(node))
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(1)).RepeatForever())
                .Build();
            await scheduler.ScheduleJob(job, [recheck], ScheduleJobOptions.Replacing);
            return key;
        }
    }

    private async Task<PostgresTestDatabase> PostgresAsync() => _postgres ??= await TestServices.CreatePostgresDatabaseAsync();

    /// <summary>Click tracks of the given tempos in one playlist folder, with no declared features (so all need analysis); their ids in tempo order.</summary>
    private List<string> WriteClickTracks(string playlist, int[] tempos, int seconds)
    {
        var dir = Path.Combine(Library, playlist);
        Directory.CreateDirectory(dir);
        var entries = new List<object>();
        foreach (var tempo in tempos)
        {
            var file = $"click{tempo}.wav";
            WavWriter.Write(Path.Combine(dir, file), Drums.ClickTrack(tempo, seconds), MoodSynth.SampleRate);
            entries.Add(new { title = $"Click {tempo} [generated]", artist = "Test", duration = (double)seconds, filepath = file });
        }
        File.WriteAllText(Path.Combine(dir, "metadata.json"), JsonSerializer.Serialize(entries));
        return tempos.Select(t => PlaylistLoader.MakeId($"{playlist}/click{t}.wav")).ToList();
    }

    private async Task<Worker> StartAsync(PostgresTestDatabase? postgres, string name, bool analyze, TimeSpan? lease = null, TimeSpan? maxAnalysed = null, TimeSpan? recheck = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Data:Music:AnalyzeInBackground"] = analyze ? "true" : "false",
            ["Data:Music:AnalysisLease"] = (lease ?? TimeSpan.FromSeconds(10)).ToString(),
            ["Data:Music:AnalysisRecheckInterval"] = (recheck ?? TimeSpan.FromMilliseconds(500)).ToString(),
            // Every node of one database has its own name in the engine, as in a deployment.
            ["JobEngine:NodeName"] = name + "-" + Guid.NewGuid().ToString("N")[..8],
        };
        if (postgres is not null)
        {
            settings["Data:Provider"] = "Postgres";
            settings["ConnectionStrings:Postgres"] = postgres.ConnectionString;
        }
        else
        {
            settings["Data:DatabasePath"] = "db/music.db";
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new AnalysisLog();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs));
        services.AddSingleton<IHostApplicationLifetime, TestLifetime>();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(_root, "BlazorMood.Data.Tests." + name));
        services.AddData(configuration);
        services.AddMusic(o =>
        {
            o.LibraryPath = Library;
            o.WatchForChanges = false;
            if (maxAnalysed is { } max)
            {
                o.Analysis.MaxDuration = max;
            }
        });
        services.AddTrackAnalysisWorker(configuration);
        var worker = new Worker(services.BuildServiceProvider(validateScopes: true), logs);
        _workers.Add(worker);
        await worker.StartAsync();
        return worker;
    }

    /// <summary>
    /// Waits (up to 10 s) for log lines the caller then asserts on: a worker logs a result right after storing it, so
    /// the stored row can be seen a moment before its line.
    /// </summary>
    private static async Task LoggedAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    private static async Task EventuallyAsync(Worker worker, Func<BlazorMoodDbContext, Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await using (var db = await worker.DbAsync())
            {
                if (await condition(db))
                {
                    return;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(100);
        }
    }

    /// <summary>One worker node: its own service provider (hosted services running) and what its analysis worker logged.</summary>
    private sealed class Worker(ServiceProvider services, AnalysisLog logs) : RunningHost(services)
    {
        public AnalysisLog Logs { get; } = logs;
    }

    /// <summary>Collects, from the analysis worker's structured log, the tracks it stored and the claims it lost.</summary>
    private sealed class AnalysisLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Analysed { get; } = new();

        public ConcurrentQueue<string> Lost { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName == typeof(TrackAnalysisWorker).FullName);

        public void Dispose()
        {
        }

        private sealed class Logger(AnalysisLog log, bool analysis) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => analysis && logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!analysis || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
                {
                    return;
                }
                var template = fields.FirstOrDefault(f => f.Key == "{OriginalFormat}").Value as string ?? "";
                var track = fields.FirstOrDefault(f => f.Key == "TrackId").Value as string;
                if (track is null)
                {
                    return;
                }
                if (template.StartsWith("Analysed track", StringComparison.Ordinal))
                {
                    log.Analysed.Enqueue(track);
                }
                else if (template.Contains("lost its claim", StringComparison.Ordinal) || template.Contains("no longer held", StringComparison.Ordinal))
                {
                    log.Lost.Enqueue(track);
                }
            }
        }
    }
}
