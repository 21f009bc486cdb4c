using System.Text.Json;
using BlazorMood.Data;
using BlazorMood.Data.Emotions;
using BlazorMood.Data.Music;
using BlazorMood.TestSupport;
using Microsoft.EntityFrameworkCore;
using BlazorMood.Web.Kiosk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// Every page, at a phone's, a laptop's and a desktop's size, checked in headless Chromium with axe-core (npm,
/// <c>tools/a11y</c>, injected into the page): no critical or serious violation, one <c>main</c> landmark, one h1,
/// nothing wider than the screen, and keyboard focus that can be seen. With BLAZORMOOD_E2E_SCREENSHOTS set it also
/// saves a screenshot of each page at each size (<c>scripts/screenshots.sh</c> makes <c>docs/screenshots/</c> so).
/// The camera shows ffmpeg's test pattern: no face, no third-party picture.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class AccessibilityBrowserTests(LiveServerFixture server, ITestOutputHelper output) : IClassFixture<LiveServerFixture>
{
    private static readonly (string Name, int Width, int Height)[] Sizes =
    [
        ("390x844", 390, 844),
        ("1440x900", 1440, 900),
        ("1920x1080", 1920, 1080),
    ];

    private static string AxeScript => Path.Combine(TestAssets.RepoRoot, "tools", "a11y", "node_modules", "axe-core", "axe.min.js");

    [Fact]
    public async Task Every_page_has_no_serious_accessibility_violation_at_phone_laptop_and_desktop_size()
    {
        Assert.True(File.Exists(AxeScript), $"{AxeScript} is missing: run scripts/setup.sh --tests (npm ci in tools/a11y)");
        var axe = await File.ReadAllTextAsync(AxeScript);
        var problems = new List<string>();

        // Signed out: the account pages and the wall screen's pairing code.
        await using (var anonymous = await ChromiumSession.LaunchAsync(FakeCamera.TestPatternClip, output))
        {
            foreach (var (name, path) in new[] { ("sign-in", "account/login"), ("register", "account/register"), ("access-denied", "account/access-denied"), ("kiosk-pair", "kiosk/pair") })
            {
                await CheckAsync(anonymous.Page, name, path, axe, problems, settle: null);
            }
        }

        // An administrator sees every dashboard and admin page; a week of history draws the History page's charts.
        SeedHistory(server.Admin.Id);
        await using (var admin = await ChromiumSession.LaunchAsync(FakeCamera.TestPatternClip, output))
        {
            await admin.SignInAsync(server.BaseAddress, server.Admin);
            await CheckAsync(admin.Page, "live", "", axe, problems, settle: "[data-testid=tab-live]");
            await CheckAsync(admin.Page, "upload-video", "", axe, problems, settle: "[data-testid=tab-live]", tab: "Upload Video");
            await CheckAsync(admin.Page, "recommendations", "", axe, problems, settle: "[data-testid=tab-live]", tab: "Recommendations");
            await CheckAsync(admin.Page, "history", "history", axe, problems, settle: null);
            await CheckAsync(admin.Page, "api-tokens", "account/tokens", axe, problems, settle: null);
            await CheckAsync(admin.Page, "admin-library", "admin", axe, problems, settle: null);
            await CheckAsync(admin.Page, "admin-kiosks", "admin/kiosks", axe, problems, settle: null);
        }

        // The wall screen, paired with a device link.
        var device = await server.Services.GetRequiredService<IKioskDevices>().CreateAsync("a11y wall", server.Admin.Id, CancellationToken.None);
        await using (var kiosk = await ChromiumSession.LaunchAsync(FakeCamera.TestPatternClip, output, KioskBrowserTests.AutoplayFlag))
        {
            await CheckAsync(kiosk.Page, "kiosk", KioskEndpoints.EnrollPath.TrimStart('/') + "?token=" + Uri.EscapeDataString(device.Token), axe,
                problems, settle: "[data-testid=kiosk]");
        }

        Assert.True(problems.Count == 0, "accessibility problems:\n" + string.Join("\n", problems));
    }

    /// <summary>Emotion events, plays and feedback over the last days, so the History charts are on the page being checked.</summary>
    private void SeedHistory(string userId)
    {
        using var db = server.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContext();
        var now = DateTime.UtcNow;
        string[] labels = ["happy", "neutral", "sad", "surprise"];
        for (var i = 0; i < 40; i++)
        {
            var at = now.AddHours(-4 * i - 1);
            var label = labels[i % labels.Length];
            db.EmotionEvents.Add(new EmotionEvent { SessionId = userId, UserId = userId, Label = label, Confidence = 0.5f + (i % 5 / 10f), OccurredAtUtc = at, Source = "live" });
            db.TrackPlays.Add(new PlayRecord { UserId = userId, TrackId = $"a11y-{i % 3}", OccurredAtUtc = at });
            db.TrackFeedback.Add(new FeedbackRecord { UserId = userId, ContextKey = "emotion:" + label, TrackId = $"a11y-{i % 3}", Kind = i % 2 == 0 ? "like" : "skip", OccurredAtUtc = at });
        }
        db.SaveChanges();
    }

    private async Task CheckAsync(IPage page, string name, string path, string axe, List<string> problems, string? settle, string? tab = null)
    {
        foreach (var (sizeName, width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.GotoAsync(new Uri(server.BaseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
            if (settle is not null)
            {
                await page.Locator(settle).First.WaitForAsync(new() { Timeout = 15_000 });
            }
            if (tab is not null)
            {
                await page.GetByRole(AriaRole.Tab, new() { Name = tab }).ClickAsync();
            }
            // Let the interactive render and the camera's first frames land before reading the page.
            await page.WaitForTimeoutAsync(1200);
            var where = $"{name} at {sizeName}";

            await page.EvaluateAsync(axe);
            var violations = await page.EvaluateAsync<JsonElement>(
                """
                async () => {
                  const r = await axe.run(document, { resultTypes: ['violations'] });
                  return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
                    .map(v => `${v.impact} ${v.id}: ${v.help} [${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}]`);
                }
                """);
            problems.AddRange(violations.EnumerateArray().Select(v => $"{where}: {v.GetString()}"));

            var shape = await page.EvaluateAsync<JsonElement>(
                """
                () => ({
                  mains: document.querySelectorAll('main, [role=main]').length,
                  h1s: [...document.querySelectorAll('h1')].filter(h => h.offsetParent !== null || getComputedStyle(h).position === 'fixed').length,
                  overflow: document.documentElement.scrollWidth - window.innerWidth,
                  // What sticks out: elements past the right edge that no scrolling ancestor clips (an absolutely
                  // positioned one escapes a scroller that is not its containing block); fixed layers do not count.
                  culprits: [...document.body.querySelectorAll('*')].filter(e => {
                    if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
                    let clipped = false;
                    for (let a = e; a && a !== document.body; a = a.parentElement) {
                      const style = getComputedStyle(a);
                      if (style.position === 'fixed') return false;
                      if (a !== e && style.overflowX !== 'visible') clipped = true;
                    }
                    return !clipped || getComputedStyle(e).position === 'absolute';
                  }).slice(0, 4).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}${e.dataset.testid ? '[' + e.dataset.testid + ']' : ''} right=${Math.round(e.getBoundingClientRect().right)}`).join(', '),
                })
                """);
            if (shape.GetProperty("mains").GetInt32() != 1)
            {
                problems.Add($"{where}: {shape.GetProperty("mains").GetInt32()} main landmarks (want 1)");
            }
            if (shape.GetProperty("h1s").GetInt32() != 1)
            {
                problems.Add($"{where}: {shape.GetProperty("h1s").GetInt32()} visible h1 (want 1)");
            }
            if (shape.GetProperty("overflow").GetInt32() > 1)
            {
                problems.Add($"{where}: the page is {shape.GetProperty("overflow").GetInt32()} px wider than the screen ({shape.GetProperty("culprits").GetString()})");
            }

            await ScreenshotAsync(page, $"{name}-{sizeName}");
        }
        output.WriteLine($"{name}: checked at {Sizes.Length} sizes");
    }

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BLAZORMOOD_E2E_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png") });
        }
    }
}
