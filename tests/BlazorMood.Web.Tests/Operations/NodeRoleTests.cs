using System.Net;
using BlazorMood.Data.Music;
using BlazorMood.Web.Operations;
using BlazorMood.Web.Tests.Videos;
using BlazorMood.Web.Videos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Operations;

/// <summary>
/// The same build as a web node and as a worker node over one database and one video folder (SQLite here; the
/// multi-node tests run the same roles on Postgres): the web node only queues, the worker analyses.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Collection(OperationsCollection.Name)]
public sealed class NodeRoleTests
{
    private static readonly Type[] WorkerServices = [typeof(VideoJobWorker), typeof(VideoRetentionSweeper), typeof(TrackAnalysisService)];

    [Fact]
    public async Task A_web_node_queues_a_job_that_only_a_worker_node_on_the_same_database_analyses()
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

        using (var worker = new VideoHostFactory(new Dictionary<string, string?> { ["Node:Role"] = "worker" }, root: web.Root))
        {
            using var workerClient = worker.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await workerClient.GetAsync("/readyz")).StatusCode);
            var workerHosted = worker.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
            Assert.All(WorkerServices, t => Assert.Contains(t, workerHosted));

            // The web node reads the worker's progress and result from the shared database.
            var done = await client.WaitForEndAsync(job.Id);

            Assert.Equal(VideoJobStatus.Succeeded, done.Status);
            Assert.Contains("standing", done.Activities);
            Assert.True(done.HasAnnotatedVideo);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/videos/{job.Id}/annotated")).StatusCode);
        }
    }

    [Fact]
    public async Task A_worker_node_serves_only_the_operations_endpoints()
    {
        using var worker = new VideoHostFactory(new Dictionary<string, string?> { ["Node:Role"] = "worker" });
        using var client = worker.ClientFor("worker-" + Guid.NewGuid().ToString("n"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/videos")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/hubs/emotion/negotiate?negotiateVersion=1")).StatusCode);
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
    public void An_unknown_role_stops_start_up_with_the_valid_ones_named(string role)
    {
        using var host = new VideoHostFactory(new Dictionary<string, string?> { ["Node:Role"] = role });

        var e = Assert.ThrowsAny<Exception>(() => host.Services);

        Assert.Contains("all, web or worker", e.ToString(), StringComparison.Ordinal);
    }
}
