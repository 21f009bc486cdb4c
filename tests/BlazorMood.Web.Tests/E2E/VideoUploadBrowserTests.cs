using System.Globalization;
using System.Net;
using System.Text.Json;
using BlazorMood.TestSupport;
using BlazorMood.Web.Tests.Videos;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// The Upload Video host of the video API tests (real ffmpeg and models, its own database and video folder in a temp
/// directory), here on Kestrel on a loopback port so that a real browser can reach it.
/// </summary>
public sealed class VideoUploadServerFixture : VideoHostFactory
{
    public VideoUploadServerFixture()
        : base(new Dictionary<string, string?> { ["Vision:ExecutionProvider"] = "Cpu" })
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().TrimEnd('/') + "/");
        User = TestAccounts.CreateAsync(Services).GetAwaiter().GetResult();
    }

    public Uri BaseAddress { get; }

    /// <summary>The account the browser signs in as (role User): the owner of the uploaded jobs.</summary>
    public TestAccount User { get; }
}

/// <summary>
/// End to end in headless Chromium: a clip of a standing person is dropped on the Upload Video tab's file input, the
/// upload progress and then the processing progress show, and the result has the activity timeline, a playable
/// annotated video and the way to music for the activity; a garbage file gets the server's clear message.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class VideoUploadBrowserTests(VideoUploadServerFixture server, ITestOutputHelper output) : IClassFixture<VideoUploadServerFixture>
{
    // Records every state the tab shows (a tiny clip uploads and is analysed faster than a test could poll for it).
    private const string RecorderScript = """
        () => {
            window.__videoLog = [];
            const snapshot = () => {
                const drop = document.querySelector('[data-testid=video-drop]');
                const upload = document.querySelector('[data-testid=upload-progress]');
                const job = document.querySelector('[data-testid=current-job]');
                const overall = document.querySelector('[data-testid=job-progress-overall]');
                const stage = document.querySelector('[data-testid=job-stage][data-current=true]');
                return JSON.stringify({
                    drop: drop ? drop.dataset.state : null,
                    loaded: upload ? Number(upload.dataset.loaded) : null,
                    total: upload ? Number(upload.dataset.total) : null,
                    job: job ? job.dataset.status : null,
                    progress: overall ? Number(overall.dataset.value) : null,
                    stage: stage ? stage.dataset.stage : null,
                    eta: document.querySelector('[data-testid=job-eta]')?.textContent ?? null,
                });
            };
            let last = '';
            const record = () => { const s = snapshot(); if (s !== last) { last = s; window.__videoLog.push(JSON.parse(s)); } };
            new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            record();
        }
        """;

    private sealed record Seen(string? Drop, double? Loaded, double? Total, string? Job, double? Progress, string? Stage, string? Eta);

    private static async Task<IReadOnlyList<Seen>> LogAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => window.__videoLog");
        return json.Deserialize<Seen[]>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    [Fact]
    public async Task A_dropped_clip_shows_upload_then_processing_progress_then_the_timeline_annotated_video_and_its_music()
    {
        var clip = TestClips.StandingPerson(seconds: 3, width: 320);
        var garbage = Path.Combine(TestClips.Folder, "garbage.mp4");
        await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7919 % 251)).ToArray());
        // A webcam with nobody in front of it: no emotion competes with the clip's activity for the music.
        var camera = TestClips.Ffmpeg("empty-camera.y4m", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=10:duration=1", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe");
        await using var chromium = await ChromiumSession.LaunchAsync(camera, output);
        var page = chromium.Page;

        await chromium.SignInAsync(server.BaseAddress, server.User);
        await page.GotoAsync(server.BaseAddress.ToString(), new() { WaitUntil = WaitUntilState.Load });
        // The list renders once the circuit is up (prerendering shows a loading bar): only then do clicks count.
        await page.Locator("[data-testid=job-list]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Upload Video" }).ClickAsync();
        await page.Locator("[data-testid=drop-zone]").WaitForAsync(new() { Timeout = 5_000 });
        await page.EvaluateAsync(RecorderScript);
        // Slow the upload down (DevTools network emulation) so that its progress is seen between 0 and 100%.
        var devtools = await page.Context.NewCDPSessionAsync(page);
        await devtools.SendAsync("Network.enable");
        await devtools.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = 48 * 1024,
        });

        await page.Locator("[data-testid=video-file-input]").SetInputFilesAsync(clip);

        var result = page.Locator("[data-testid=current-job][data-status=succeeded] [data-testid=job-result]");
        await result.WaitForAsync(new() { Timeout = 180_000 });
        await devtools.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = -1,
        });
        var log = await LogAsync(page);
        foreach (var s in log)
        {
            output.WriteLine($"drop={s.Drop} upload={s.Loaded}/{s.Total} job={s.Job} progress={s.Progress} stage={s.Stage} eta={s.Eta}");
        }

        // Upload progress: the bar moved through intermediate values before the server answered …
        var uploading = log.Where(s => s.Drop == "uploading" && s.Total > 0).ToArray();
        Assert.Contains(uploading, s => s.Loaded > 0 && s.Loaded < s.Total);
        Assert.Contains(uploading, s => s.Loaded >= s.Total);
        var firstJob = log.ToList().FindIndex(s => s.Job is not null);
        Assert.True(firstJob > log.ToList().FindIndex(s => s.Drop == "uploading"), "the upload's progress shows before the job");
        // … then the processing progress: the job queued or running with its stages, before the result.
        Assert.Contains(log, s => s.Job is "queued" or "running");
        Assert.Contains(log, s => s.Job == "running" && s.Stage is not null && s.Eta is not null);

        // The timeline covers the clip with at least one segment, each with its hover title; the activity is named.
        var segments = page.Locator("[data-testid=timeline-segment]");
        Assert.True(await segments.CountAsync() > 0);
        var widths = await segments.EvaluateAllAsync<double[]>("els => els.map(e => Number(e.dataset.width))");
        Assert.All(widths, w => Assert.InRange(w, 0.01, 100.0001));
        Assert.InRange(widths.Sum(), 50, 100.001);
        Assert.Matches(@"^\d+:\d\d\.\d–\d+:\d\d\.\d · \w+ · \d+% confidence", await segments.First.GetAttributeAsync("title"));
        Assert.True(await page.Locator("[data-testid=timeline-legend-item]").CountAsync() > 0);
        // The chart (MudBlazor's) with its description, legend and segment list passes axe-core: no critical or serious violation.
        Assert.Equal("img", await page.Locator("[data-testid=timeline-track]").GetAttributeAsync("role"));
        await page.Locator("[data-testid=timeline-track] svg").First.WaitForAsync(new() { Timeout = 5_000 });
        await page.EvaluateAsync(await File.ReadAllTextAsync(Path.Combine(TestAssets.RepoRoot, "tools", "a11y", "node_modules", "axe-core", "axe.min.js")));
        var violations = await page.EvaluateAsync<string[]>(
            "async () => (await axe.run('[data-testid=activity-timeline]', { resultTypes: ['violations'] })).violations"
            + ".filter(v => v.impact === 'critical' || v.impact === 'serious').map(v => `${v.impact} ${v.id}: ${v.help}`)");
        Assert.True(violations.Length == 0, "activity timeline: " + string.Join("; ", violations));
        var activity = await page.Locator("[data-testid=job-activity]").First.GetAttributeAsync("data-activity");
        output.WriteLine($"activities: {string.Join(", ", await page.Locator("[data-testid=job-activity]").AllInnerTextsAsync())}; widths {string.Join(", ", widths)}");
        Assert.Equal("standing", activity);

        // The annotated video loads in the browser's own player and is as long as the clip.
        var video = page.Locator("[data-testid=annotated-video]");
        var src = await video.GetAttributeAsync("src");
        Assert.Matches("^/api/videos/[0-9a-f-]{36}/annotated$", src);
        await page.WaitForFunctionAsync(
            "() => { const v = document.querySelector('[data-testid=annotated-video]'); return v && v.readyState >= 1 && v.duration > 0; }",
            null, new() { Timeout = 20_000 });
        var duration = await video.EvaluateAsync<double>("v => v.duration");
        var size = await video.EvaluateAsync<JsonElement>("v => ({ w: v.videoWidth, h: v.videoHeight, error: v.error ? v.error.code : 0 })");
        output.WriteLine($"annotated video: {duration.ToString(CultureInfo.InvariantCulture)} s, {size}");
        Assert.InRange(duration, 2.5, 3.5);
        Assert.True(size.GetProperty("w").GetInt32() > 0);
        Assert.Equal(0, size.GetProperty("error").GetInt32());
        // The job is in my list as done.
        await page.Locator("[data-testid=past-job][data-status=succeeded]").WaitForAsync(new() { Timeout = 5_000 });

        // A file that is not a video: the server's own words, not a status code.
        await page.Locator("[data-testid=video-file-input]").SetInputFilesAsync(garbage);
        var error = page.Locator("[data-testid=upload-error]");
        await error.WaitForAsync(new() { Timeout = 30_000 });
        var message = (await error.InnerTextAsync()).Trim();
        var api = await page.Context.APIRequest.PostAsync(new Uri(server.BaseAddress, "api/videos").ToString(), new()
        {
            Multipart = page.Context.APIRequest.CreateFormData().Append("file", new FilePayload
            {
                Name = "garbage.mp4",
                MimeType = "video/mp4",
                Buffer = await File.ReadAllBytesAsync(garbage),
            }),
        });
        var detail = JsonDocument.Parse(await api.TextAsync()).RootElement.GetProperty("detail").GetString();
        output.WriteLine($"garbage: HTTP {api.Status}, UI says: {message}");
        Assert.InRange(api.Status, 400, 499);
        Assert.Equal(detail, message);
        Assert.DoesNotContain("HTTP", message, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("[data-testid=past-job]").CountAsync());
        await ScreenshotAsync(page, "upload-video-1280x900");

        // Music for the activity: the Recommendations tab opens on the activity's playlist.
        await page.Locator("[data-testid=to-recommendations]").ClickAsync();
        var player = page.Locator($"[data-testid=music-player][data-source=activity][data-playlist=activity_{activity}]");
        await player.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal("true", await page.GetByRole(AriaRole.Tab, new() { Name = "Recommendations" }).GetAttributeAsync("aria-selected"));
    }

    /// <summary>Saves a screenshot when BLAZORMOOD_E2E_SCREENSHOTS names a folder (for reviewing the layout; never committed).</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BLAZORMOOD_E2E_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }
}
