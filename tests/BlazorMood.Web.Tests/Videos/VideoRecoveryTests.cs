using BlazorMood.Data;
using BlazorMood.Data.Videos;
using BlazorMood.Web.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using BlazorMood.VideoJobs;

namespace BlazorMood.Web.Tests.Videos;

/// <summary>
/// A server that was killed mid-job: rows are left "running" in the database before the host starts. The host
/// must re-queue its own node's jobs at start-up, give up on a job interrupted too often, leave another node's
/// job alone while its lease holds and take it over once the lease has expired.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class VideoRecoveryTests : IDisposable
{
    private const string Node = "test-node";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly VideoHostFactory _host;

    public VideoRecoveryTests()
    {
        _host = new VideoHostFactory(
            new Dictionary<string, string?>
            {
                ["VideoJobs:NodeName"] = Node,
                ["VideoJobs:MaxAttempts"] = "3",
                ["VideoJobs:LeaseDuration"] = "00:01:00",
            },
            // The clock of the job rows (their leases) is the test's; the job engine keeps the wall clock it
            // compares check-ins and fire times on, which a frozen clock would stop.
            services => services.AddSingleton(sp => new VideoJobStore(sp.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>(), _clock)));
    }

    public void Dispose() => _host.Dispose();

    private VideoJobRecord SeedRunning(string owner, string clip, int attempts, string workerId, DateTime leaseExpires)
    {
        var id = Guid.NewGuid();
        var storage = VideoStorage.NewStorageName(id);
        var folder = Path.Combine(_host.StoragePath, storage);
        Directory.CreateDirectory(Path.Combine(folder, VideoStorage.OutputFolderName));
        File.Copy(clip, Path.Combine(folder, VideoStorage.InputFileName));
        // What a killed encoder leaves: its hidden temp file.
        File.WriteAllText(Path.Combine(folder, VideoStorage.OutputFolderName, ".annotated.tmp.mp4"), "partial");
        var now = _clock.GetUtcNow().UtcDateTime;
        return new VideoJobRecord
        {
            Id = id,
            OwnerId = owner,
            FileName = "seeded.mp4",
            StorageName = storage,
            SizeBytes = new FileInfo(clip).Length,
            State = VideoJobState.Running,
            Attempts = attempts,
            Progress = 0.4,
            Stage = "pose",
            CreatedUtc = now.AddMinutes(-2),
            StartedUtc = now.AddMinutes(-1),
            HeartbeatUtc = now.AddSeconds(-5),
            WorkerId = workerId,
            LeaseExpiresUtc = leaseExpires,
            DurationSeconds = 2,
        };
    }

    [Fact]
    public async Task Jobs_left_running_are_requeued_and_complete_given_up_after_too_many_attempts_and_taken_over_when_a_lease_expires()
    {
        var session = "rec" + Guid.NewGuid().ToString("n");
        var now = _clock.GetUtcNow().UtcDateTime;
        var clip = TestClips.StandingPerson(2, 160);
        // Left by this node's previous process: the lease still looks valid, but that process is gone.
        var interrupted = SeedRunning(session, clip, 1, $"{Node}/4242-deadbeef/0", now.AddSeconds(50));
        var poison = SeedRunning(session, clip, 3, $"{Node}/4242-deadbeef/1", now.AddSeconds(50));
        // Held by a worker on another node whose lease has 10 minutes to go.
        var elsewhere = SeedRunning(session, clip, 1, "other-node/77-cafebabe/0", now.AddMinutes(10));
        var options = new DbContextOptionsBuilder<BlazorMoodDbContext>().UseSqlite($"Data Source={_host.DatabasePath}").Options;
        await using (var db = new BlazorMoodDbContext(options))
        {
            await db.Database.MigrateAsync();
            db.VideoJobs.AddRange(interrupted, poison, elsewhere);
            await db.SaveChangesAsync();
        }

        using var client = _host.ClientFor(session); // starts the host: recovery runs before it serves

        var failed = (await client.GetJobAsync(poison.Id))!;
        Assert.Equal(VideoJobStatus.Failed, failed.Status);
        Assert.Equal("interrupted", failed.ErrorCode);
        Assert.Contains("interrupted 3 times", failed.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_host.JobFolder(poison.Id), VideoStorage.OutputFolderName)));
        Assert.False(File.Exists(Path.Combine(_host.JobFolder(poison.Id), VideoStorage.InputFileName)));

        var resumed = await client.WaitForEndAsync(interrupted.Id);
        Assert.True(resumed.Status == VideoJobStatus.Succeeded, resumed.Error);
        Assert.Equal(2, resumed.Attempts);
        Assert.True(resumed.HasAnnotatedVideo);
        Assert.False(File.Exists(Path.Combine(_host.JobFolder(interrupted.Id), VideoStorage.OutputFolderName, ".annotated.tmp.mp4")));

        // The other node's job is not stolen while its lease holds…
        var sweeper = _host.Services.GetRequiredService<VideoRetentionSweeper>();
        Assert.Equal(0, (await sweeper.SweepAsync(CancellationToken.None)).Recovered);
        Assert.Equal(VideoJobStatus.Running, (await client.GetJobAsync(elsewhere.Id))!.Status);

        // …and is taken over once that worker has been silent past its lease.
        _clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, (await sweeper.SweepAsync(CancellationToken.None)).Recovered);
        var takenOver = await client.WaitForEndAsync(elsewhere.Id);
        Assert.True(takenOver.Status == VideoJobStatus.Succeeded, takenOver.Error);
        Assert.Equal(2, takenOver.Attempts);
    }

    [Fact]
    public async Task A_job_running_when_the_server_stops_goes_back_to_the_queue_and_runs_again_after_the_restart()
    {
        var root = Path.Combine(Path.GetTempPath(), "blazormood-tests", "restart-" + Guid.NewGuid().ToString("n"));
        var session = "rst" + Guid.NewGuid().ToString("n");
        try
        {
            VideoJobDto job;
            var first = new VideoHostFactory(root: root);
            await using (first)
            {
                using var client = first.ClientFor(session);
                job = await client.SubmitAsync(TestClips.LongPattern());
                await client.WaitForAsync(job.Id, VideoApiClient.IsDecoding);
            } // graceful stop: the run is cancelled and the job re-queued, its attempt given back

            var options = new DbContextOptionsBuilder<BlazorMoodDbContext>().UseSqlite($"Data Source={Path.Combine(root, "web-tests.db")}").Options;
            await using (var db = new BlazorMoodDbContext(options))
            {
                var row = await db.VideoJobs.SingleAsync(j => j.Id == job.Id);
                Assert.Equal((VideoJobState.Queued, 0, null), (row.State, row.Attempts, row.WorkerId));
            }
            Assert.True(File.Exists(Path.Combine(root, "videos", VideoStorage.NewStorageName(job.Id), VideoStorage.InputFileName)));

            var second = new VideoHostFactory(root: root);
            await using (second)
            {
                using var client = second.ClientFor(session);
                var again = await client.WaitForAsync(job.Id, VideoApiClient.IsDecoding);
                Assert.Equal(1, again.Attempts);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, (await client.PostAsync($"/api/videos/{job.Id}/cancel", null)).StatusCode);
                Assert.Equal(VideoJobStatus.Cancelled, (await client.WaitForEndAsync(job.Id, 30)).Status);
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
