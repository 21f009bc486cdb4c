using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.Music.Context;
using BlazorMood.Video;
using BlazorMood.Web.Videos;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Videos;

/// <summary>One host with a 1 MB byte cap and a 60 s duration cap (so every limit is cheap to pass), one worker.</summary>
public sealed class VideoUploadHost : VideoHostFactory
{
    public const long MaxBytes = 1024 * 1024;

    public VideoUploadHost()
        : base(new Dictionary<string, string?>
        {
            ["Video:MaxFileBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Video:MaxDuration"] = "00:01:00",
            ["VideoJobs:MaxConcurrentJobs"] = "1",
        })
    {
    }
}

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class VideoUploadTests(VideoUploadHost host) : IClassFixture<VideoUploadHost>
{
    private static string NewSession() => "vid" + Guid.NewGuid().ToString("n");

    [Fact]
    public async Task A_clip_of_a_standing_person_is_analysed_with_progress_pushed_and_its_annotated_video_served_with_ranges()
    {
        var session = NewSession();
        using var client = host.ClientFor(session);
        var clip = TestClips.StandingPerson(seconds: 2, width: 320);
        var updates = new List<(DateTime At, VideoJobDto Job)>();
        using var subscription = host.Services.GetRequiredService<IVideoJobNotifier>().Subscribe(session, job =>
        {
            lock (updates)
            {
                updates.Add((DateTime.UtcNow, job));
            }
            return Task.CompletedTask;
        });

        var submitted = await client.SubmitAsync(clip, "../../etc/Me standing\u202Egnp.mp4");

        Assert.Equal(VideoJobStatus.Queued, submitted.Status);
        Assert.Equal("Me standinggnp.mp4", submitted.FileName); // last segment, bidi override removed: display only
        Assert.Equal(2, submitted.DurationSeconds!.Value, 1);
        var done = await client.WaitForEndAsync(submitted.Id);

        Assert.True(done.Status == VideoJobStatus.Succeeded, done.Error);
        Assert.Equal(1, done.Progress);
        Assert.Equal(1, done.Attempts);
        Assert.True(done.HasAnnotatedVideo);
        Assert.NotNull(done.FinishedAt);
        Assert.NotNull(done.VideoExpiresAt);
        Assert.All(done.Stages, s => Assert.Equal(1, s.Fraction));
        Assert.Contains("standing", done.Activities);
        Assert.NotEmpty(done.Segments);
        Assert.Equal(0, done.Segments[0].Start, 1);
        Assert.Equal(2, done.Segments[^1].End, 0);
        Assert.Contains(done.Segments, s => s is { Activity: "standing", Confidence: > 0.3 });

        // The wire format: lower-case status, camelCase fields, the documented members.
        var raw = JsonDocument.Parse(await client.GetStringAsync($"/api/videos/{done.Id}")).RootElement;
        Assert.Equal("succeeded", raw.GetProperty("status").GetString());
        foreach (var name in new[] { "id", "progress", "stage", "stages", "etaSeconds", "error", "durationSeconds", "activities", "segments", "cadenceSpm", "hasAnnotatedVideo" })
        {
            Assert.True(raw.TryGetProperty(name, out _), name);
        }
        var segment = raw.GetProperty("segments")[0];
        foreach (var name in new[] { "start", "end", "activity", "confidence", "cadenceSpm" })
        {
            Assert.True(segment.TryGetProperty(name, out _), name);
        }

        // Annotated MP4, with range support for the browser's <video>.
        var full = await client.GetAsync($"/api/videos/{done.Id}/annotated");
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal("video/mp4", full.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bytes", full.Headers.AcceptRanges);
        var bytes = await full.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 1000);
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(bytes, 4, 4));
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/videos/{done.Id}/annotated");
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        var part = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes.AsSpan(100, 100).ToArray(), await part.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-199/{bytes.Length}", part.Content.Headers.ContentRange?.ToString());

        // Input deleted as soon as the job finished (default retention), outputs kept.
        var folder = host.JobFolder(done.Id);
        Assert.False(File.Exists(Path.Combine(folder, VideoStorage.InputFileName)));
        Assert.True(File.Exists(Path.Combine(folder, VideoStorage.OutputFolderName, ActivityPipeline.AnnotatedFileName)));

        // My jobs, newest first.
        var mine = await client.GetFromJsonAsync<VideoJobDto[]>("/api/videos", VideoApiClient.Json);
        Assert.Equal(done.Id, Assert.Single(mine!).Id);

        // The recommender now plays for the clip's activity.
        var context = host.Services.GetRequiredService<IContextStore>().Get(session);
        Assert.Equal("standing", context.LastActivity?.Activity);

        // Pushed updates: queued first, the final state last, progress throttled to 4 a second per job.
        List<(DateTime At, VideoJobDto Job)> seen;
        lock (updates)
        {
            seen = [.. updates];
        }
        Assert.Equal(VideoJobStatus.Queued, seen[0].Job.Status);
        Assert.Equal(VideoJobStatus.Succeeded, seen[^1].Job.Status);
        Assert.Contains(seen, u => u.Job.Status == VideoJobStatus.Running);
        var running = seen.Where(u => u.Job.Status == VideoJobStatus.Running).ToList();
        Assert.All(running.Zip(running.Skip(1)), p => Assert.True(p.Second.Job.Progress >= p.First.Job.Progress));
        Assert.All(running.Zip(running.Skip(1)), p => Assert.True((p.Second.At - p.First.At).TotalMilliseconds >= 200, $"{(p.Second.At - p.First.At).TotalMilliseconds} ms apart"));
    }

    public static TheoryData<string, int, string> BadInputs() => new()
    {
        { "garbage", 415, "not_a_video" },
        { "empty", 400, "empty" },
        { "truncated", 422, "truncated" },
        { "over-cap-streamed", 413, "too_large" },
        { "over-cap-declared", 413, "too_large" },
        { "over-duration", 422, "too_long" },
        { "too-small", 422, "bad_resolution" },
        { "absurdly-wide", 422, "bad_resolution" },
        { "image", 415, "not_a_video" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_uploads_get_a_clear_error_and_leave_nothing_behind(string kind, int status, string errorCode)
    {
        var session = NewSession();
        using var client = host.ClientFor(session);
        var random = new Random(42);
        byte[] bytes;
        switch (kind)
        {
            case "garbage":
                bytes = new byte[4096];
                random.NextBytes(bytes);
                break;
            case "empty":
                bytes = [];
                break;
            case "truncated":
                // A +faststart MP4 cut at 60 %: its index (at the front) declares every frame, the data stops early.
                var whole = await File.ReadAllBytesAsync(TestClips.Pattern(320, 240, 3));
                bytes = whole[..(whole.Length * 6 / 10)];
                break;
            case "over-cap-streamed":
                // Within the multipart allowance, so the declared length passes and the cap is hit while streaming.
                bytes = new byte[VideoUploadHost.MaxBytes + 10_000];
                random.NextBytes(bytes);
                break;
            case "over-cap-declared":
                bytes = new byte[VideoUploadHost.MaxBytes * 2];
                break;
            case "over-duration":
                bytes = await File.ReadAllBytesAsync(TestClips.Colour(64, 64, 70));
                break;
            case "too-small":
                bytes = await File.ReadAllBytesAsync(TestClips.Pattern(16, 16, 1));
                break;
            case "absurdly-wide":
                bytes = await File.ReadAllBytesAsync(TestClips.Colour(4200, 64, 1));
                break;
            case "image":
                bytes = await File.ReadAllBytesAsync(BlazorMood.TestSupport.TestAssets.FaceApiSample("sample6.jpg"));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        var before = host.JobFolders().ToHashSet();

        var response = await client.PostAsync("/api/videos", VideoApiClient.Form(bytes, kind + ".mp4"));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await VideoApiClient.ProblemAsync(response);
        Assert.Equal(errorCode, problem.GetProperty("errorCode").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Empty((await client.GetFromJsonAsync<VideoJobDto[]>("/api/videos", VideoApiClient.Json))!);
        Assert.Empty(host.JobFolders().Except(before)); // no folder, no partial file
    }

    [Fact]
    public async Task Requests_that_are_not_an_upload_are_refused_clearly()
    {
        using var client = host.ClientFor(NewSession());

        var json = await client.PostAsJsonAsync("/api/videos", new { file = "x" });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("multipart_expected", (await VideoApiClient.ProblemAsync(json)).GetProperty("errorCode").GetString());

        var noFile = await client.PostAsync("/api/videos", new MultipartFormDataContent { { new StringContent("hello"), "note" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Equal("no_file", (await VideoApiClient.ProblemAsync(noFile)).GetProperty("errorCode").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/videos/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/videos/not-a-guid")).StatusCode);
    }

    [Fact]
    public async Task A_queued_job_is_cancelled_at_once_and_a_running_one_mid_run_with_its_files_removed()
    {
        using var client = host.ClientFor(NewSession());
        var ffmpeg = host.Services.GetRequiredService<FfmpegService>();
        // 30 s of 320×240 with no person: long enough to be caught running; the one worker keeps the second queued.
        var running = await client.SubmitAsync(TestClips.LongPattern());
        var queued = await client.SubmitAsync(TestClips.StandingPerson(2, 160));
        await client.WaitForAsync(running.Id, VideoApiClient.IsDecoding);
        Assert.Equal(VideoJobStatus.Queued, (await client.GetJobAsync(queued.Id))!.Status);

        var cancelQueued = await client.PostAsync($"/api/videos/{queued.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancelQueued.StatusCode);
        var cancelled = (await client.GetJobAsync(queued.Id))!;
        Assert.Equal(VideoJobStatus.Cancelled, cancelled.Status);
        Assert.NotNull(cancelled.FinishedAt);
        Assert.False(Directory.Exists(host.JobFolder(queued.Id)));

        var cancelRunning = await client.PostAsync($"/api/videos/{running.Id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancelRunning.StatusCode);
        var stopped = await client.WaitForEndAsync(running.Id, 30);
        Assert.Equal(VideoJobStatus.Cancelled, stopped.Status);
        Assert.True(stopped.Progress < 1);
        Assert.False(stopped.HasAnnotatedVideo);
        Assert.False(Directory.Exists(host.JobFolder(running.Id)));
        Assert.Equal(0, ffmpeg.RunningProcesses);

        // Cancelling again: it has finished.
        var again = await client.PostAsync($"/api/videos/{running.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("already_finished", (await VideoApiClient.ProblemAsync(again)).GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task An_owner_with_three_videos_waiting_is_told_to_wait_and_nothing_is_stored()
    {
        using var client = host.ClientFor(NewSession());
        var jobs = new[]
        {
            await client.SubmitAsync(TestClips.LongPattern()),
            await client.SubmitAsync(TestClips.StandingPerson(2, 160)),
            await client.SubmitAsync(TestClips.StandingPerson(2, 160)),
        };
        var before = host.JobFolders().ToHashSet();

        var fourth = await client.UploadAsync(TestClips.StandingPerson(2, 160));

        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal("too_many_jobs", (await VideoApiClient.ProblemAsync(fourth)).GetProperty("errorCode").GetString());
        Assert.Empty(host.JobFolders().Except(before));
        Assert.Equal(3, (await client.GetFromJsonAsync<VideoJobDto[]>("/api/videos", VideoApiClient.Json))!.Length);
        foreach (var job in jobs)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/videos/{job.Id}")).StatusCode);
        }
    }

    [Fact]
    public async Task Delete_removes_a_finished_job_and_stops_a_running_one_with_all_their_files()
    {
        using var client = host.ClientFor(NewSession());
        var finished = await client.SubmitAsync(TestClips.StandingPerson(2, 160));
        Assert.Equal(VideoJobStatus.Succeeded, (await client.WaitForEndAsync(finished.Id)).Status);
        Assert.True(Directory.Exists(host.JobFolder(finished.Id)));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/videos/{finished.Id}")).StatusCode);

        Assert.Null(await client.GetJobAsync(finished.Id));
        Assert.False(Directory.Exists(host.JobFolder(finished.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/videos/{finished.Id}")).StatusCode);

        var running = await client.SubmitAsync(TestClips.LongPattern());
        await client.WaitForAsync(running.Id, VideoApiClient.IsDecoding);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/videos/{running.Id}")).StatusCode);

        Assert.Null(await client.GetJobAsync(running.Id));
        Assert.False(Directory.Exists(host.JobFolder(running.Id)));
        Assert.Equal(0, host.Services.GetRequiredService<FfmpegService>().RunningProcesses);
        Assert.Empty((await client.GetFromJsonAsync<VideoJobDto[]>("/api/videos", VideoApiClient.Json))!);
    }

    [Fact]
    public async Task Another_sessions_job_does_not_exist_for_me()
    {
        using var owner = host.ClientFor(NewSession());
        using var stranger = host.ClientFor(NewSession());
        var job = await owner.SubmitAsync(TestClips.StandingPerson(2, 160));
        await owner.WaitForEndAsync(job.Id);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/videos/{job.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/videos/{job.Id}/annotated")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/videos/{job.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/api/videos/{job.Id}")).StatusCode);
        Assert.Empty((await stranger.GetFromJsonAsync<VideoJobDto[]>("/api/videos", VideoApiClient.Json))!);

        Assert.NotNull(await owner.GetJobAsync(job.Id));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/videos/{job.Id}/annotated")).StatusCode);
    }
}
