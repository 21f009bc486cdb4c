using System.Globalization;
using System.Text.RegularExpressions;
using BlazorMood.Web.Tests.Videos;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// A test that runs only where a real clip of a runner is on the machine (third-party media is never committed):
/// <c>BLAZORMOOD_REAL_RUNNING_CLIP</c> names it (scripts/check-activity-upload.sh takes one from the development set
/// that scripts/devdata.sh assembles). Without it the test is reported as skipped, not passed.
/// </summary>
public sealed class RealRunningClipFactAttribute : FactAttribute
{
    public const string Variable = "BLAZORMOOD_REAL_RUNNING_CLIP";

    public RealRunningClipFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 })
        {
            Skip = $"set {Variable} to a real clip of a runner (scripts/check-activity-upload.sh does)";
        }
    }
}

/// <summary>
/// Runs only where a real clip of a person falling is on the machine: <c>BLAZORMOOD_REAL_FALL_CLIP</c> names it
/// (scripts/check-activity-upload.sh takes one from the development set). Skipped, not passed, without it.
/// </summary>
public sealed class RealFallClipFactAttribute : FactAttribute
{
    public const string Variable = "BLAZORMOOD_REAL_FALL_CLIP";

    public RealFallClipFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 })
        {
            Skip = $"set {Variable} to a real clip of a person falling (scripts/check-activity-upload.sh does)";
        }
    }
}

/// <summary>
/// End to end with a real person: a real running clip dropped on the Upload Video tab in headless Chromium goes
/// through the product's whole upload path (upload, job queue, decode, pose, learned activity model, cadence) and
/// comes back as running, with a cadence a runner can have, and the running music.
/// </summary>
public sealed partial class RealClipUploadBrowserTests(VideoUploadServerFixture server, ITestOutputHelper output) : IClassFixture<VideoUploadServerFixture>
{
    [RealRunningClipFact]
    public async Task A_real_running_clip_uploads_as_running_with_a_runners_cadence_and_running_music()
    {
        var clip = Path.GetFullPath(Environment.GetEnvironmentVariable(RealRunningClipFactAttribute.Variable)!);
        Assert.True(File.Exists(clip), $"{clip} does not exist");
        // Cadence a runner can show in video time: from slow jogging in slow motion to sprinting.
        var min = double.Parse(Environment.GetEnvironmentVariable("BLAZORMOOD_REAL_RUNNING_MIN_SPM") ?? "140", CultureInfo.InvariantCulture);
        var max = double.Parse(Environment.GetEnvironmentVariable("BLAZORMOOD_REAL_RUNNING_MAX_SPM") ?? "200", CultureInfo.InvariantCulture);
        var camera = TestClips.Ffmpeg("empty-camera.y4m", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=10:duration=1", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe");
        await using var chromium = await ChromiumSession.LaunchAsync(camera, output);
        var page = chromium.Page;

        await UploadAsync(chromium, clip);
        var activities = await page.Locator("[data-testid=job-activity]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.activity)");
        var segments = await page.Locator("[data-testid=timeline-segment]").EvaluateAllAsync<string[]>("els => els.map(e => e.title)");
        var cadenceText = await page.Locator("[data-testid=job-cadence]").InnerTextAsync(new() { Timeout = 5_000 });
        output.WriteLine($"{Path.GetFileName(clip)}: activities {string.Join(", ", activities)}; cadence '{cadenceText}'");
        foreach (var s in segments)
        {
            output.WriteLine("  " + s);
        }

        Assert.Equal("running", activities.FirstOrDefault());
        var match = StepsPerMinute().Match(cadenceText);
        Assert.True(match.Success, $"no cadence in '{cadenceText}'");
        Assert.InRange(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), min, max);

        await page.Locator("[data-testid=to-recommendations]").ClickAsync();
        await page.Locator("[data-testid=music-player][data-source=activity][data-playlist=activity_running]").WaitForAsync(new() { Timeout = 10_000 });
    }

    [RealFallClipFact]
    public async Task A_real_fall_uploads_with_the_fall_flagged_above_the_timeline()
    {
        var clip = Path.GetFullPath(Environment.GetEnvironmentVariable(RealFallClipFactAttribute.Variable)!);
        Assert.True(File.Exists(clip), $"{clip} does not exist");
        var camera = TestClips.Ffmpeg("empty-camera.y4m", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=10:duration=1", "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe");
        await using var chromium = await ChromiumSession.LaunchAsync(camera, output);

        await UploadAsync(chromium, clip);

        var alert = await chromium.Page.Locator("[data-testid=job-falls]").InnerTextAsync(new() { Timeout = 5_000 });
        output.WriteLine($"{Path.GetFileName(clip)}: {alert}");
        Assert.Matches(@"^Possible falls? at \d+:\d\d\.\d", alert.Trim());
    }

    /// <summary>Signs in, drops the clip on the Upload Video tab and waits for its analysis to succeed.</summary>
    private async Task UploadAsync(ChromiumSession chromium, string clip)
    {
        var page = chromium.Page;
        await chromium.SignInAsync(server.BaseAddress, server.User);
        await page.GotoAsync(server.BaseAddress.ToString(), new() { WaitUntil = WaitUntilState.Load });
        await page.Locator("[data-testid=job-list]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Upload Video" }).ClickAsync();
        await page.Locator("[data-testid=drop-zone]").WaitForAsync(new() { Timeout = 5_000 });
        await page.Locator("[data-testid=video-file-input]").SetInputFilesAsync(clip);
        await page.Locator("[data-testid=current-job][data-status=succeeded] [data-testid=job-result]").WaitForAsync(new() { Timeout = 300_000 });
    }

    [GeneratedRegex(@"(\d+) steps/min")]
    private static partial Regex StepsPerMinute();
}
