using System.Net;
using BlazorMood.Data.Music;
using BlazorMood.Web.Operations;
using BlazorMood.Web.Tests.ScaleOut;
using BlazorMood.Web.Tests.Videos;
using BlazorMood.Web.Videos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Operations;

/// <summary>
/// A web node (role web) and the worker host over one database and one video folder (SQLite here; the multi-node tests
/// run the same pair on Postgres): the web node only queues, the worker host analyses. The web host has no worker role.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Collection(OperationsCollection.Name)]
public sealed class NodeRoleTests
{
    private static readonly Type[] WorkerServices = [typeof(VideoJobWorker), typeof(VideoRetentionSweeper), typeof(TrackAnalysisSchedule)];

    [Fact]
    public async Task A_web_node_queues_a_job_that_only_the_worker_host_on_the_same_database_analyses()
    {
        using var web = new VideoHostFactory(new Dictionary<string, string?> { ["Node:Role"] = "web" });
        using var client = web.ClientFor("role-" + Guid.NewGuid().ToString("n"));

        var hosted = web.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        Assert.DoesNotContain(hosted, WorkerServices.Contains);
        var job = await client.SubmitAsync(TestClips.StandingPerson(seconds: 1, width: 160));
        // Several poll intervals (0.5 s in these hosts) pass: nothing on the web node claims it.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(VideoJobStatus.Queued, (await client.GetJobAsync(job.Id))!.Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        await using (var worker = NodeProcess.Start("W1", new Dictionary<string, string>
        {
            // appsettings.json says all; the worker host takes only worker.
            ["Node:Role"] = "worker",
            ["Data:DatabasePath"] = web.DatabasePath,
            ["VideoJobs:StoragePath"] = web.StoragePath,
            ["VideoJobs:HeartbeatInterval"] = "00:00:00.250",
            ["VideoJobs:NodeName"] = "w1-" + Guid.NewGuid().ToString("n")[..8],
        }, NodeProcess.WorkerDll))
        {
            await worker.WaitReadyAsync(TimeSpan.FromSeconds(90));
            using var workerClient = new HttpClient { BaseAddress = worker.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await workerClient.GetAsync("readyz")).StatusCode);
            // The worker host serves the operations endpoints only.
            Assert.Equal(HttpStatusCode.NotFound, (await workerClient.GetAsync("")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await workerClient.GetAsync("api/videos")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await workerClient.GetAsync("hubs/emotion/negotiate?negotiateVersion=1")).StatusCode);

            // The web node reads the worker's progress and result from the shared database.
            var done = await client.WaitForEndAsync(job.Id);

            Assert.True(done.Status == VideoJobStatus.Succeeded, $"{done.Status}; worker output:\n{worker.Output()}");
            Assert.Contains("standing", done.Activities);
            Assert.True(done.HasAnnotatedVideo);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/videos/{job.Id}/annotated")).StatusCode);
        }
    }

    [Theory]
    [InlineData("worker")]
    [InlineData(" Worker ")]
    public void The_web_host_refuses_the_worker_role_and_names_the_worker_host(string role)
    {
        using var host = new VideoHostFactory(new Dictionary<string, string?> { ["Node:Role"] = role });

        var e = Assert.ThrowsAny<Exception>(() => host.Services);

        Assert.Contains("Node:Role 'worker' is not a role of the web host: run the worker host (src/BlazorMood.Worker", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_role_is_all_and_runs_every_worker()
    {
        using var all = new VideoHostFactory();

        Assert.Equal(NodeRole.All, all.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NodeOptions>>().Value.Role);
        var hosted = all.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        Assert.All(WorkerServices, t => Assert.Contains(t, hosted));
    }

    [Theory]
    [InlineData("sideways")]
    [InlineData("3")]
    [InlineData("2")]
    public void An_unknown_role_stops_start_up_with_the_valid_ones_named(string role)
    {
        using var host = new VideoHostFactory(new Dictionary<string, string?> { ["Node:Role"] = role });

        var e = Assert.ThrowsAny<Exception>(() => host.Services);

        Assert.Contains("is not a role of the web host; use all or web", e.ToString(), StringComparison.Ordinal);
    }
}
