using BlazorMood.Data;
using BlazorMood.Data.Videos;
using BlazorMood.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Data.Tests.Videos;

/// <summary>
/// The job table on a real PostgreSQL server (scripts/start-test-services.sh). The job engine decides which node runs
/// a job; the row fences the runs: of many runs starting the same job at once exactly one holds it (a duplicate firing
/// or a run the engine wrongly took for dead loses), a live holder is not overtaken unless the engine recovers the job,
/// and only the holder can write an outcome, once.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Database")]
public sealed class PostgresJobClaimTests : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;
    private ServiceProvider _services = null!;
    private VideoJobStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestServices.CreatePostgresDatabaseAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddData(configuration);
        _services = services.BuildServiceProvider();
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        _store = new VideoJobStore(_services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>(), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private async Task<List<Guid>> SeedQueuedAsync(int count)
    {
        var start = DateTime.UtcNow.AddMinutes(-10);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await _store.AddAsync(new VideoJobRecord
            {
                Id = id,
                OwnerId = "owner",
                FileName = $"clip{i}.mp4",
                StorageName = id.ToString("N"),
                SizeBytes = 1000,
                State = VideoJobState.Queued,
                CreatedUtc = start.AddSeconds(i),
            }, CancellationToken.None);
        }
        return ids;
    }

    [Fact]
    public async Task Of_concurrent_starts_of_one_job_exactly_one_holds_it_and_a_live_holder_is_overtaken_only_by_a_recovery()
    {
        var id = (await SeedQueuedAsync(1))[0];

        var starts = await Task.WhenAll(Enumerable.Range(0, 12).Select(w =>
            Task.Run(() => _store.TryStartAsync(id, $"node-{w % 3}/1-test/{w}", TimeSpan.FromMinutes(1), recovering: false, CancellationToken.None))));

        var won = Assert.Single(starts, s => s is not null)!;
        Assert.Equal(VideoJobState.Running, won.State);
        Assert.Equal(1, won.Attempts);
        Assert.NotNull(won.LeaseExpiresUtc);
        // A second firing while the holder's lease runs takes nothing…
        Assert.Null(await _store.TryStartAsync(id, "late/1-test/0", TimeSpan.FromMinutes(1), recovering: false, CancellationToken.None));
        // …the engine's recovery (the holder's node stopped checking in) does, and counts the attempt.
        var recovered = await _store.TryStartAsync(id, "survivor/1-test/0", TimeSpan.FromMinutes(1), recovering: true, CancellationToken.None);
        Assert.Equal(("survivor/1-test/0", 2), (recovered!.WorkerId, recovered.Attempts));
        // The overtaken run can no longer renew its lease.
        var progress = new JobProgressSnapshot(0.5, "pose", null, null);
        Assert.False(await _store.HeartbeatAsync(id, won.WorkerId!, progress, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.True(await _store.HeartbeatAsync(id, "survivor/1-test/0", progress, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public async Task Only_the_lease_holder_writes_the_result_and_only_once()
    {
        var id = (await SeedQueuedAsync(1))[0];
        var job = await _store.TryStartAsync(id, "a/1-test/0", TimeSpan.FromMinutes(1), recovering: false, CancellationToken.None);
        Assert.Equal(id, job!.Id);
        var result = new JobResult(3, 160, 120, null, "[]", "[]", HasAnnotatedVideo: false, FallsJson: "[1.5]");

        var byStranger = await _store.CompleteAsync(id, "b/2-test/0", result, inputDeleted: false, CancellationToken.None);
        var byHolder = await _store.CompleteAsync(id, "a/1-test/0", result, inputDeleted: false, CancellationToken.None);
        var again = await _store.CompleteAsync(id, "a/1-test/0", result, inputDeleted: false, CancellationToken.None);

        Assert.False(byStranger);
        Assert.True(byHolder);
        Assert.False(again);
        var stored = await _store.FindAsync(id, CancellationToken.None);
        Assert.Equal(VideoJobState.Succeeded, stored!.State);
        Assert.Equal(1.0, stored.Progress);
        Assert.Equal("[1.5]", stored.FallsJson);
    }
}
