using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// End to end: the real app on Kestrel, headless Debian Chromium with a fake webcam playing the astronaut photo.
/// The page must box the face and label its emotion within 5 seconds of loading.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class LiveEmotionBrowserTests(LiveServerFixture server, ITestOutputHelper output) : IClassFixture<LiveServerFixture>
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] Labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    private static async Task<int> ResultCountAsync(IPage page) =>
        int.Parse(await page.Locator(".live-root").GetAttributeAsync("data-results") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Saves a screenshot when BLAZORMOOD_E2E_SCREENSHOTS names a folder (for reviewing the layout; never committed).</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BLAZORMOOD_E2E_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    [Fact]
    public async Task The_page_boxes_and_labels_the_webcam_face_within_five_seconds()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/setup.sh --tests (apt-get install chromium)");
        var clip = FakeCamera.AstronautClip;
        var profile = Directory.CreateTempSubdirectory("blazormood-chromium-");
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream", $"--use-file-for-fake-video-capture={clip}",
                ],
                ViewportSize = new() { Width = 1280, Height = 900 },
            });
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            page.Console += (_, m) => output.WriteLine($"console.{m.Type}: {m.Text}");
            page.PageError += (_, e) => output.WriteLine($"page error: {e}");

            await ChromiumSession.SignInAsync(page, server.BaseAddress, server.User);
            await page.GotoAsync(server.BaseAddress.ToString(), new() { WaitUntil = WaitUntilState.Load });
            var loaded = Stopwatch.StartNew();

            // A face box on the overlay (the canvas reports how many it drew, the list names each one) …
            var face = page.Locator("[data-testid=live-face]").First;
            await face.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 5000 });
            // … and the emotion label of the main face in the mood panel.
            var dominant = page.Locator("[data-testid=dominant-emotion][data-label]:not([data-label=''])");
            await dominant.WaitForAsync(new() { Timeout = (float)Math.Max(1, 5000 - loaded.Elapsed.TotalMilliseconds) });
            var elapsed = loaded.Elapsed;
            output.WriteLine($"face box and label {elapsed.TotalMilliseconds:F0} ms after load");

            Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed.TotalMilliseconds:F0} ms");
            Assert.True(int.Parse(await page.Locator("[data-testid=live-overlay]").GetAttributeAsync("data-faces") ?? "0",
                System.Globalization.CultureInfo.InvariantCulture) >= 1);
            var box = (await face.GetAttributeAsync("data-box"))!.Split(',').Select(int.Parse).ToArray();
            Assert.True(box[2] > 10 && box[3] > 10, $"box {string.Join(',', box)}");
            Assert.Contains(await face.GetAttributeAsync("data-label"), Labels);
            var label = await dominant.GetAttributeAsync("data-label");
            Assert.Contains(label, Labels);
            output.WriteLine($"label: {label}, box: {string.Join(',', box)}");
            Assert.Contains("never stored", await page.Locator("[data-testid=privacy-note]").InnerTextAsync(), StringComparison.Ordinal);
            await ScreenshotAsync(page, "live-1280x900");

            // Switching tabs must not stop the camera: results keep arriving while another tab is shown.
            await page.GetByRole(AriaRole.Tab, new() { Name = "Upload Video" }).ClickAsync();
            var before = await ResultCountAsync(page);
            await page.WaitForTimeoutAsync(1500);
            var after = await ResultCountAsync(page);
            output.WriteLine($"results while on another tab: {before} -> {after}");
            Assert.True(after > before, $"no results while the Upload Video tab was shown ({before} -> {after})");
            await page.GetByRole(AriaRole.Tab, new() { Name = "Live Emotion" }).ClickAsync();
            await page.SetViewportSizeAsync(1920, 1080);
            await page.Locator("[data-testid=live-face]").First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 5000 });
            await ScreenshotAsync(page, "live-1920x1080");
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile while it exits.
            }
        }
    }
}
