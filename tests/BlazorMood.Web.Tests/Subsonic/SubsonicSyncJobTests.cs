using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.Data;
using BlazorMood.Data.Jobs;
using BlazorMood.Data.Music;
using BlazorMood.Music.Library;
using BlazorMood.Music.Subsonic;
using BlazorMood.Tests.Support;
using BlazorMood.TestSupport;
using BlazorMood.Web.Tests.ScaleOut;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.Subsonic;

/// <summary>
/// The Subsonic sync as a job of the job engine: a web node (role web) only queues it, the worker host runs it, and
/// the status and songs it stores are read by the web node from the shared PostgreSQL database (and Redis for the
/// catalogue); asking twice leaves one job; removing a server during its sync stops it and leaves no live songs.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Trait("Category", "Subsonic")]
public sealed class SubsonicSyncJobTests(SupysonicServer server, ITestOutputHelper output) : IClassFixture<SupysonicServer>
{
    private static string Temp(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    private static async Task<string> AddAsync(HttpClient admin, string name, SupysonicServer target)
    {
        var response = await admin.PostAsJsonAsync("/api/subsonic/servers", new { name, baseUrl = target.Url.AbsoluteUri, username = target.User, password = target.Password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> StatusAsync(HttpClient admin, string id) =>
        JsonDocument.Parse(await admin.GetStringAsync($"/api/subsonic/servers/{id}/sync")).RootElement;

    private async Task<JsonElement> WaitForAsync(HttpClient admin, string id, Func<JsonElement, bool> done, TimeSpan timeout, Func<string>? more = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await StatusAsync(admin, id);
            if (done(status))
            {
                output.WriteLine(status.GetRawText());
                return status;
            }
            Assert.True(DateTime.UtcNow < deadline, $"status still {status.GetRawText()}\n{more?.Invoke()}");
            await Task.Delay(100);
        }
    }

    private static string State(JsonElement status) => status.GetProperty("state").GetString()!;

    private static async Task<(int Live, int Removed, int Tagged)> RowsAsync(IServiceProvider services, string serverId)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();
        var playlist = SubsonicTrackPaths.PlaylistName(serverId);
        var rows = await db.Tracks.AsNoTracking().Where(t => t.PlaylistName == playlist).ToListAsync();
        return (rows.Count(r => !r.Removed), rows.Count(r => r.Removed), rows.Count(r => r.AnalyzedAtUtc != null));
    }

    /// <summary>
    /// Removes the server once its sync is tagging (some songs stored, not all tagged), then checks that the job ends,
    /// no song of it is live, tagging stopped short, and nothing is written after.
    /// </summary>
    private async Task RemoveDuringTaggingAsync(HttpClient admin, IServiceProvider services, string id, Func<string>? more = null)
    {
        await WaitForAsync(admin, id, s => State(s) == "Running" && s.GetProperty("found").GetInt32() == server.Tracks && s.GetProperty("tagged").GetInt32() < 2,
            TimeSpan.FromMinutes(3), more);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/subsonic/servers/{id}")).StatusCode);

        var scheduling = services.GetRequiredService<JobScheduling>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await scheduling.ExistsAsync(SubsonicSyncJob.Group, id, CancellationToken.None))
        {
            Assert.True(DateTime.UtcNow < deadline, "the sync job still runs 60 s after its server was removed\n" + more?.Invoke());
            await Task.Delay(100);
        }
        var after = await RowsAsync(services, id);
        output.WriteLine($"after removal: {after}");
        Assert.Equal(0, after.Live);
        Assert.True(after.Tagged < server.Tracks, $"all {server.Tracks} songs were tagged: the sync was not stopped");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(after, await RowsAsync(services, id));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/subsonic/servers/{id}/sync")).StatusCode);
        await using var db = await services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();
        Assert.False(await db.SubsonicSyncStatus.AnyAsync(s => s.ServerId == id));
    }

    [Fact]
    public async Task A_web_node_queues_the_sync_the_worker_host_runs_it_and_the_web_node_reads_its_status_and_songs()
    {
        await using var database = await TestServices.CreatePostgresDatabaseAsync();
        var shared = Temp("bm-subsonic-nodes-");
        var settings = new Dictionary<string, string>
        {
            ["Data:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["Redis:Configuration"] = TestServices.Redis,
            ["Redis:ChannelPrefix"] = "bm-subsonic-" + Guid.NewGuid().ToString("n")[..8],
            ["DataProtection:KeysPath"] = Path.Combine(shared, "keys"),
            ["Music:Subsonic:ServersPath"] = Path.Combine(shared, "subsonic-servers.json"),
            ["Music:LibraryPath"] = Temp("bm-empty-library-"),
        };
        using var web = new BlazorMoodWebFactory(new Dictionary<string, string?>(settings.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
        {
            ["Node:Role"] = "web",
            ["JobEngine:NodeName"] = "web-" + Guid.NewGuid().ToString("n")[..8],
        });
        using var admin = web.CreateClientFor(web.Admin);

        var id = await AddAsync(admin, "Home", server);
        // Nothing on the web node runs it: queued, in the engine's tables, until a node that runs jobs starts.
        Assert.Equal("Queued", State(await StatusAsync(admin, id)));
        Assert.True(await web.Services.GetRequiredService<JobScheduling>().ExistsAsync(SubsonicSyncJob.Group, id, CancellationToken.None));

        await using var worker = NodeProcess.Start("W1", new Dictionary<string, string>(settings)
        {
            ["Node:Role"] = "worker",
            ["JobEngine:NodeName"] = "worker-" + Guid.NewGuid().ToString("n")[..8],
        }, NodeProcess.WorkerDll);
        await worker.WaitReadyAsync(TimeSpan.FromSeconds(90));

        // The worker opened the password with the shared key ring, synced and tagged; the web node reads it all.
        var done = await WaitForAsync(admin, id, s => State(s) is "Done" or "Failed", TimeSpan.FromMinutes(4), worker.Output);
        Assert.True(State(done) == "Done", done.GetRawText() + "\n" + worker.Output());
        Assert.Equal(server.Tracks, done.GetProperty("found").GetInt32());
        Assert.Equal(server.Tracks, done.GetProperty("new").GetInt32());
        Assert.Equal(server.Tracks, done.GetProperty("tagged").GetInt32());
        Assert.Equal((server.Tracks, 0, server.Tracks), await RowsAsync(web.Services, id));
        Assert.False(await web.Services.GetRequiredService<JobScheduling>().ExistsAsync(SubsonicSyncJob.Group, id, CancellationToken.None));
        // The worker's "songs changed" reached the web node over Redis: its recommender has the tagged songs.
        var library = web.Services.GetRequiredService<IMusicLibrary>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (library.Current.Tracks.Count(t => t.Source == "Home" && t.Features.Bpm is not null) < server.Tracks)
        {
            Assert.True(DateTime.UtcNow < deadline, "the web node's library has not got the synced songs\n" + worker.Output());
            await Task.Delay(200);
        }

        // Removed on the web node while the worker tags it: the worker's sync stops and leaves no live song.
        var again = await AddAsync(admin, "Again", server);
        await RemoveDuringTaggingAsync(admin, web.Services, again, worker.Output);
        Assert.DoesNotContain("Sync of Subsonic server " + again + " failed", worker.Output(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_twice_for_a_sync_of_one_server_leaves_one_job()
    {
        using var web = new BlazorMoodWebFactory(new Dictionary<string, string?>
        {
            // Role web: the scheduler only stores jobs, so both requests find the first one still waiting.
            ["Node:Role"] = "web",
            ["Music:Subsonic:ServersPath"] = Path.Combine(Temp("bm-subsonic-twice-"), "servers.json"),
            ["Music:LibraryPath"] = Temp("bm-empty-library-"),
        });
        using var admin = web.CreateClientFor(web.Admin);
        var record = await web.Services.GetRequiredService<SubsonicServerStore>()
            .AddAsync("Nowhere", new Uri("http://127.0.0.1:9/"), "user", "password", CancellationToken.None);

        var first = await admin.PostAsync($"/api/subsonic/servers/{record.Id}/sync", null);
        var second = await admin.PostAsync($"/api/subsonic/servers/{record.Id}/sync", null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var scheduler = await web.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var jobs = await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(SubsonicSyncJob.Group));
        Assert.Equal(JobScheduling.KeyFor(SubsonicSyncJob.Group, record.Id), Assert.Single(jobs));
        Assert.Single(await scheduler.GetTriggersOfJob(jobs.Single()));
        Assert.Equal("Queued", State(await StatusAsync(admin, record.Id)));
    }

    [Fact]
    public async Task Removing_a_server_during_its_sync_on_the_same_node_stops_it_and_keeps_no_live_rows()
    {
        using var node = new BlazorMoodWebFactory(new Dictionary<string, string?>
        {
            ["Music:Subsonic:ServersPath"] = Path.Combine(Temp("bm-subsonic-remove-"), "servers.json"),
            ["Music:LibraryPath"] = Temp("bm-empty-library-"),
        });
        using var admin = node.CreateClientFor(node.Admin);

        var id = await AddAsync(admin, "Brief", server);

        await RemoveDuringTaggingAsync(admin, node.Services, id);
        Assert.DoesNotContain(node.Services.GetRequiredService<IMusicLibrary>().Current.Tracks, t => t.Source == "Brief");
    }
}
