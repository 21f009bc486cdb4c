using System.Net;
using System.Text.Json;
using BlazorMood.Web.Videos;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Videos;

/// <summary>
/// <c>GET /api/videos/{id}/events</c> in one process: the job's state, its changes, the end after the final state;
/// another owner's job does not exist. (Across nodes: ScaleOut/MultiNodeTests.)
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class VideoEventsApiTests(VideoUploadHost host) : IClassFixture<VideoUploadHost>
{
    private static string NewSession() => "evt" + Guid.NewGuid().ToString("n");

    [Fact]
    public async Task The_stream_sends_the_jobs_changes_and_ends_after_its_final_state_once()
    {
        using var client = host.ClientFor(NewSession());
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var job = await client.SubmitAsync(TestClips.StandingPerson(seconds: 3, width: 320));

        var events = await ReadAllAsync(client, job.Id, cts.Token);

        Assert.All(events, e => Assert.Equal(job.Id, e.Id));
        Assert.True(events[0].Status is VideoJobStatus.Queued or VideoJobStatus.Running or VideoJobStatus.Succeeded, events[0].Status.ToString());
        Assert.Equal(VideoJobStatus.Succeeded, events[^1].Status);
        Assert.Single(events, e => e.Status == VideoJobStatus.Succeeded);
        Assert.Equal(1, events[^1].Progress);
        Assert.NotEmpty(events[^1].Segments);
        var running = events.Where(e => e.Status == VideoJobStatus.Running).Select(e => e.Progress).ToList();
        Assert.Equal(running.Order(), running);

        // A finished job's stream is its final state, then the end.
        var again = await ReadAllAsync(client, job.Id, cts.Token);
        Assert.Equal(VideoJobStatus.Succeeded, Assert.Single(again).Status);
    }

    [Fact]
    public async Task Deleting_a_running_job_ends_its_stream()
    {
        using var client = host.ClientFor(NewSession());
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var job = await client.SubmitAsync(TestClips.LongPattern());
        using var response = await client.GetAsync($"/api/videos/{job.Id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("event: job", await reader.ReadLineAsync(cts.Token));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/videos/{job.Id}", cts.Token)).StatusCode);

        // Nothing is published for a deleted job; the stream's re-check of the row (10 s by default) ends it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await reader.ReadLineAsync(cts.Token) is not null)
        {
        }
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Another_owners_job_and_a_missing_job_have_no_stream()
    {
        using var owner = host.ClientFor(NewSession());
        using var stranger = host.ClientFor(NewSession());
        var job = await owner.SubmitAsync(TestClips.StandingPerson(seconds: 2, width: 160));
        await owner.WaitForEndAsync(job.Id);

        using var theirs = await stranger.GetAsync($"/api/videos/{job.Id}/events");
        using var missing = await owner.GetAsync($"/api/videos/{Guid.NewGuid()}/events");

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal("application/problem+json", theirs.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>Reads the stream until the server ends it; every event must be a <c>job</c> event.</summary>
    private static async Task<List<VideoJobDto>> ReadAllAsync(HttpClient client, Guid id, CancellationToken ct)
    {
        using var response = await client.GetAsync($"/api/videos/{id}/events", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var events = new List<VideoJobDto>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                Assert.Equal("event: job", line);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(JsonSerializer.Deserialize<VideoJobDto>(line["data: ".Length..], VideoApiClient.Json)!);
            }
        }
        return events;
    }
}
