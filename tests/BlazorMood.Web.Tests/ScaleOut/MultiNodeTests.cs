using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.Web.Live;
using BlazorMood.Web.Tests.Videos;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using BlazorMood.Live;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// Issue 8's "done when": two web nodes and a worker as separate processes on one PostgreSQL and one Redis. A
/// sign-in made on one node holds on the other; an emotion seen through A reaches B's SSE stream; a video uploaded
/// through A is run by the worker (never by a web node) and followed through B; the worker is SIGKILLed mid-job and a
/// second worker finishes it with nothing lost or duplicated.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "MultiNode")]
[Collection(MultiNodeCollection.Name)]
public sealed class MultiNodeTests(MultiNodeCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan JobDeadline = TimeSpan.FromMinutes(3);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_sign_in_made_on_node_A_is_accepted_by_node_B_and_a_form_from_A_can_be_posted_to_B()
    {
        await WithNodeOutputAsync(async () =>
        {
            var cookie = await cluster.A.SignInAsync(cluster.AdminEmail, cluster.AdminPassword);
            using var onB = Client(cluster.B, cookie: cookie);
            using var mine = await onB.GetAsync("api/videos");
            Assert.True(mine.StatusCode == HttpStatusCode.OK, $"B answered {(int)mine.StatusCode} to A's cookie");

            // The antiforgery token and cookie of B's form, posted to A (a proxy may move a user between two requests).
            var crossed = await NodeProcess.SignInAsync(cluster.B, cluster.A, cluster.AdminEmail, cluster.AdminPassword);
            using var onA = Client(cluster.A, cookie: crossed);
            Assert.Equal(HttpStatusCode.OK, (await onA.GetAsync("api/videos")).StatusCode);

            // Without a cookie the same request is refused: the 200s above come from the sign-in, not an open endpoint.
            using var anonymous = Client(cluster.B);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/videos")).StatusCode);
        });
    }

    [Fact]
    public async Task An_emotion_seen_through_node_A_arrives_on_node_Bs_stream_of_the_same_user()
    {
        await WithNodeOutputAsync(async () =>
        {
            var (_, token) = await cluster.CreateAdminTokenAsync();
            var cookie = await cluster.A.SignInAsync(cluster.AdminEmail, cluster.AdminPassword);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

            // B's stream, opened with an API token (checked against the shared database by B).
            using var onB = Client(cluster.B, token: token);
            onB.Timeout = Timeout.InfiniteTimeSpan;
            using var stream = await onB.GetAsync("api/emotions/stream", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cts.Token));
            Assert.Equal("event: ready", await reader.ReadLineAsync(cts.Token));

            // A frame of a smiling face through A's live hub, signed in with A's cookie.
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(cluster.A.BaseAddress, "hubs/emotion"), o => o.Headers["Cookie"] = cookie)
                .AddMessagePackProtocol()
                .Build();
            await hub.StartAsync(cts.Token);
            var result = await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 1L, TestFrames.Astronaut, cts.Token);
            Assert.Equal(FrameStatus.Ok, result.Status);

            var emotion = await NextEventAsync(reader, "emotion", cts.Token);
            var json = JsonDocument.Parse(emotion).RootElement;
            Assert.Equal("happy", json.GetProperty("label").GetString());
            Assert.Equal("live", json.GetProperty("source").GetString());
        });
    }

    [Fact]
    public async Task A_video_uploaded_through_A_is_run_by_the_worker_followed_through_B_and_finished_once_by_a_second_worker_after_the_first_is_killed()
    {
        await WithNodeOutputAsync(async () =>
        {
            var clip = TestClips.StandingPerson(seconds: 30);
            var clipSeconds = await FfprobeDurationAsync(clip);
            var (userId, token) = await cluster.CreateAdminTokenAsync();
            var cookie = await cluster.A.SignInAsync(cluster.AdminEmail, cluster.AdminPassword);
            using var cts = new CancellationTokenSource(JobDeadline + TimeSpan.FromMinutes(1));

            // Upload through A (cookie).
            using var onA = Client(cluster.A, cookie: cookie);
            var job = await onA.SubmitAsync(clip, "run.mp4");

            // Follow it on B: its SSE stream (API token) and its row as B's API reads it (cookie made on A).
            using var sseClient = Client(cluster.B, token: token);
            sseClient.Timeout = Timeout.InfiniteTimeSpan;
            var events = new ConcurrentQueue<VideoJobDto>();
            var sse = FollowJobAsync(sseClient, job.Id, events, cts.Token);
            using var onB = Client(cluster.B, cookie: cookie);

            // Worker ids over the job's life, straight from the shared table (the API does not show them).
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var workerIds = new ConcurrentDictionary<string, byte>();
            var watcher = WatchWorkerIdsAsync(job.Id, workerIds, watching.Token);

            // Progress through B rises while W1 runs it; at > 0.2 the worker is killed.
            var seenOnB = new List<double>();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var now = await GetJobAsync(onB, job.Id, cts.Token);
                Assert.True(now.Status is VideoJobStatus.Queued or VideoJobStatus.Running,
                    $"the job ended ({now.Status}: {now.Error}) before the worker could be killed; the clip is too short for this machine");
                if (now.Status == VideoJobStatus.Running)
                {
                    seenOnB.Add(now.Progress);
                    if (now.Progress > 0.2)
                    {
                        break;
                    }
                }
                Assert.True(clock.Elapsed < JobDeadline, $"no progress > 0.2 through B within {JobDeadline}; seen {string.Join(", ", seenOnB)}");
                await Task.Delay(100, cts.Token);
            }
            Assert.True(seenOnB.Distinct().Count() >= 2, "progress through B did not move: " + string.Join(", ", seenOnB));
            Assert.Equal(seenOnB.Order(), seenOnB);
            Assert.Contains(workerIds.Keys, id => id.StartsWith(cluster.NodeName("W1") + "/", StringComparison.Ordinal));
            await cluster.W1.KillAsync();
            output.WriteLine($"W1 killed at progress {seenOnB[^1]:F2} after {clock.Elapsed.TotalSeconds:F1} s");

            // A second worker takes it over once W1's lease (4 s) has run out.
            var w2 = cluster.StartNode("W2", "worker");
            await w2.WaitReadyAsync(TimeSpan.FromSeconds(150));
            VideoJobDto final;
            while (true)
            {
                final = await GetJobAsync(onB, job.Id, cts.Token);
                if (final.Status is not (VideoJobStatus.Queued or VideoJobStatus.Running))
                {
                    break;
                }
                Assert.True(clock.Elapsed < JobDeadline * 2, $"the job did not finish after W1 died; last: {final.Status} {final.Progress:F2} attempts {final.Attempts}");
                await Task.Delay(250, cts.Token);
            }
            output.WriteLine($"finished after {clock.Elapsed.TotalSeconds:F1} s");
            await sse.WaitAsync(TimeSpan.FromSeconds(30), cts.Token);
            await watching.CancelAsync();
            await watcher;

            // Finished once, by the second worker, on its second attempt.
            Assert.True(final.Status == VideoJobStatus.Succeeded, $"{final.Status}: {final.ErrorCode} {final.Error}");
            Assert.Equal(2, final.Attempts);
            Assert.True(final.HasAnnotatedVideo);
            var ids = workerIds.Keys.ToList();
            output.WriteLine("worker ids: " + string.Join(", ", ids));
            Assert.All(ids, id => Assert.True(
                id.StartsWith(cluster.NodeName("W1") + "/", StringComparison.Ordinal) || id.StartsWith(cluster.NodeName("W2") + "/", StringComparison.Ordinal),
                $"job run by {id}, which is not a worker node"));
            Assert.Contains(ids, id => id.StartsWith(cluster.NodeName("W2") + "/", StringComparison.Ordinal));
            await using (var db = cluster.OpenDatabase())
            {
                Assert.Equal(1, await db.VideoJobs.CountAsync(j => j.OwnerId == userId));
            }

            // The timeline covers the clip once: from 0, contiguous, no overlap, to the clip's end.
            Assert.NotEmpty(final.Segments);
            Assert.NotNull(final.DurationSeconds);
            Assert.InRange(final.DurationSeconds!.Value, clipSeconds - 0.2, clipSeconds + 0.2);
            Assert.Equal(0, final.Segments[0].Start, 3);
            for (var i = 1; i < final.Segments.Count; i++)
            {
                Assert.Equal(final.Segments[i - 1].End, final.Segments[i].Start, 3);
                Assert.True(final.Segments[i].End > final.Segments[i].Start, $"segment {i} is empty or reversed");
            }
            Assert.InRange(final.Segments[^1].End, final.DurationSeconds.Value - 0.5, final.DurationSeconds.Value + 0.01);

            // The annotated video, served by B, is the whole clip.
            using (var annotated = await onB.GetAsync($"api/videos/{job.Id}/annotated", cts.Token))
            {
                Assert.Equal(HttpStatusCode.OK, annotated.StatusCode);
                var local = Path.Combine(TestClips.Folder, $"annotated-{job.Id:n}.mp4");
                await File.WriteAllBytesAsync(local, await annotated.Content.ReadAsByteArrayAsync(cts.Token), cts.Token);
                Assert.InRange(await FfprobeDurationAsync(local), clipSeconds - 0.5, clipSeconds + 0.5);
            }

            // Nothing left over from the killed run: the job's folder holds the outputs of the run that finished, only.
            var jobFolder = Directory.GetDirectories(cluster.VideoStoragePath).Single();
            var files = Directory.GetFiles(jobFolder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(jobFolder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray();
            Assert.Equal(["output/annotated.mp4", "output/detected_activities.txt"], files);

            // compose's JSON console formatter with scopes: the worker's lines about the run of the job (start, end)
            // carry its correlation id. (The recovery sweep's "left running … re-queued" is written outside any run.)
            var jobId = job.Id.ToString("D", CultureInfo.InvariantCulture);
            var jobLines = new[] { cluster.W1, w2 }
                .SelectMany(n => n.Lines().Select(line => (n.Name, Entry: JsonLine(n.Name, line))))
                .Where(l => l.Entry.GetProperty("Category").GetString() == typeof(VideoJobWorker).FullName
                    && l.Entry.TryGetProperty("State", out var state) && state.TryGetProperty("JobId", out var id)
                    && string.Equals(id.GetString(), jobId, StringComparison.OrdinalIgnoreCase))
                .ToList();
            Assert.Contains(jobLines, l => l.Name == "W1");
            Assert.Contains(jobLines, l => l.Name == "W2");
            Assert.All(jobLines, l => Assert.True(
                l.Entry.TryGetProperty("Scopes", out var scopes) && scopes.EnumerateArray().Any(scope =>
                    scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("CorrelationId", out var id) && string.Equals(id.GetString(), jobId, StringComparison.OrdinalIgnoreCase)),
                $"{l.Name}: a line about job {jobId} without its correlation scope: {l.Entry}"));

            // B's stream saw the second attempt's progress and the end, once, last.
            var seen = events.ToArray();
            output.WriteLine("SSE on B: " + string.Join(" | ", seen.Select(e => $"{e.Status}/{e.Attempts}/{e.Progress:F2}")));
            Assert.Contains(seen, e => e is { Status: VideoJobStatus.Running, Attempts: 1 });
            Assert.Contains(seen, e => e is { Status: VideoJobStatus.Running, Attempts: 2, Progress: > 0 });
            Assert.Single(seen, e => e.Status == VideoJobStatus.Succeeded);
            Assert.Equal(VideoJobStatus.Succeeded, seen[^1].Status);
            Assert.DoesNotContain(seen, e => e.Status is VideoJobStatus.Failed or VideoJobStatus.Cancelled);
        });
    }

    [Fact]
    public async Task On_node_B_a_job_stream_needs_a_sign_in_and_a_job_of_the_caller()
    {
        await WithNodeOutputAsync(async () =>
        {
            var cookie = await cluster.B.SignInAsync(cluster.AdminEmail, cluster.AdminPassword);
            using var onB = Client(cluster.B, cookie: cookie);
            using var missing = await onB.GetAsync($"api/videos/{Guid.NewGuid()}/events");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            using var anonymous = Client(cluster.B);
            using var refused = await anonymous.GetAsync($"api/videos/{Guid.NewGuid()}/events");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        });
    }

    [Fact]
    public async Task Every_node_runs_with_the_settings_of_docker_compose_json_logs_anonymous_metrics_and_the_shared_music_library()
    {
        await WithNodeOutputAsync(async () =>
        {
            var live = cluster.Nodes.Where(n => !n.HasExited).ToList();
            Assert.Contains(live, n => n.Name == "A");
            Assert.Contains(live, n => n.Name == "B");

            // Logging__Console__FormatterName=json: every line a node wrote is one JSON object.
            foreach (var node in live)
            {
                var lines = node.Lines();
                Assert.NotEmpty(lines);
                Assert.All(lines, line => JsonLine(node.Name, line));
            }

            // Operations__MetricsAccess=Anonymous: /metrics answers without a sign-in, with the app's instruments. A web
            // node creates them on first use (one live frame here); a worker at start (its job worker uses them).
            var cookie = await cluster.B.SignInAsync(cluster.AdminEmail, cluster.AdminPassword);
            foreach (var web in new[] { cluster.A, cluster.B })
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await using var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(web.BaseAddress, "hubs/emotion"), o => o.Headers["Cookie"] = cookie)
                    .AddMessagePackProtocol()
                    .Build();
                await hub.StartAsync(cts.Token);
                Assert.Equal(FrameStatus.Ok, (await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 1L, TestFrames.Astronaut, cts.Token)).Status);
            }
            foreach (var node in live)
            {
                using var anonymous = Client(node);
                var expected = node.Name.StartsWith('W') ? "# TYPE blazormood_" : "# TYPE blazormood_frames_analysed";
                var text = string.Empty;
                // The exporter collects on a scrape; a gauge read from the database may miss one scrape on a loaded machine.
                for (var scrape = 0; scrape < 5 && !text.Contains(expected, StringComparison.Ordinal); scrape++)
                {
                    await Task.Delay(scrape * 500);
                    using var metrics = await anonymous.GetAsync("metrics");
                    Assert.True(metrics.StatusCode == HttpStatusCode.OK, $"{node.Name} answered {(int)metrics.StatusCode} to an anonymous /metrics");
                    Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
                    text = await metrics.Content.ReadAsStringAsync();
                }
                Assert.True(text.Contains(expected, StringComparison.Ordinal), $"{node.Name}'s /metrics has no '{expected}':\n{text}");
            }

            // VideoJobs__MaxConcurrentJobs=2 on the worker service: W1 says it runs two jobs at once (read from its
            // output, which is kept after a test kills it).
            var running = await LineAsync(cluster.W1, e => e.TryGetProperty("State", out var state) && state.TryGetProperty("Slots", out _));
            Assert.Equal(2, running.GetProperty("State").GetProperty("Slots").GetInt32());

            // Music__LibraryPath=/data/playlists: a recommendation through a web node names a track of the shared copy.
            foreach (var node in new[] { cluster.A, cluster.B })
            {
                using var client = Client(node, cookie: cookie);
                var clock = Stopwatch.StartNew();
                while (true)
                {
                    var body = await client.GetStringAsync("api/recommend?emotion=happy");
                    if (body.Contains(cluster.SharedLibraryMarker, StringComparison.Ordinal))
                    {
                        break;
                    }
                    // The library is imported in the background at start-up; give it a little time on a loaded machine.
                    Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{node.Name} recommended no track of the shared library: {body}");
                    await Task.Delay(500);
                }
            }
        });
    }

    /// <summary>The first JSON line of a node that matches, waiting a little for it (a node logs as it starts its services).</summary>
    private static async Task<JsonElement> LineAsync(NodeProcess node, Func<JsonElement, bool> match)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var line in node.Lines())
            {
                var entry = JsonLine(node.Name, line);
                if (match(entry))
                {
                    return entry;
                }
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{node.Name} wrote no such line");
            await Task.Delay(250);
        }
    }

    /// <summary>One output line of a node, which must be a JSON object (compose's console formatter).</summary>
    private static JsonElement JsonLine(string node, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            Assert.True(document.RootElement.ValueKind == JsonValueKind.Object, $"{node} wrote a line that is not a JSON object: {line}");
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            Assert.Fail($"{node} wrote a line that is not JSON: {line}");
            throw;
        }
    }

    /// <summary>Runs a test body; on failure the nodes' output goes to the test output.</summary>
    private async Task WithNodeOutputAsync(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception failure)
        {
            output.WriteLine(cluster.Output());
            // Last, so that a log cut to its tail (as CI prints it) still shows what failed.
            output.WriteLine($"FAILED: {failure.GetType().Name}: {failure.Message}");
            throw;
        }
    }

    private static HttpClient Client(NodeProcess node, string? cookie = null, string? token = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = node.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (cookie is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", cookie);
        }
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    private static async Task<VideoJobDto> GetJobAsync(HttpClient client, Guid id, CancellationToken ct) =>
        (await client.GetFromJsonAsync<VideoJobDto>($"api/videos/{id}", VideoApiClient.Json, ct))!;

    /// <summary>Reads <c>GET /api/videos/{id}/events</c> until the server ends it.</summary>
    private static async Task FollowJobAsync(HttpClient client, Guid id, ConcurrentQueue<VideoJobDto> events, CancellationToken ct)
    {
        using var response = await client.GetAsync($"api/videos/{id}/events", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? type = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "job")
            {
                events.Enqueue(JsonSerializer.Deserialize<VideoJobDto>(line["data: ".Length..], VideoApiClient.Json)!);
            }
        }
    }

    private async Task WatchWorkerIdsAsync(Guid id, ConcurrentDictionary<string, byte> seen, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using (var db = cluster.OpenDatabase())
                {
                    if (await db.VideoJobs.AsNoTracking().Where(j => j.Id == id).Select(j => j.WorkerId).SingleOrDefaultAsync(ct) is { } worker)
                    {
                        seen.TryAdd(worker, 0);
                    }
                }
                await Task.Delay(100, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<string> NextEventAsync(StreamReader reader, string type, CancellationToken ct)
    {
        string? line;
        while ((line = await reader.ReadLineAsync(ct)) is not null && line != "event: " + type)
        {
        }
        var data = await reader.ReadLineAsync(ct);
        Assert.NotNull(data);
        Assert.StartsWith("data: ", data, StringComparison.Ordinal);
        return data["data: ".Length..];
    }

    private static async Task<double> FfprobeDurationAsync(string path)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", path })
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, "ffprobe failed: " + await p.StandardError.ReadToEndAsync());
        return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }
}

/// <summary>The one cluster the multi-node tests share (its processes start once; the tests run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class MultiNodeCollection : ICollectionFixture<MultiNodeCluster>
{
    public const string Name = "Multi-node cluster";
}
