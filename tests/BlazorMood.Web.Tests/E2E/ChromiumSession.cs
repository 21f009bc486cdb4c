using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// Headless Debian Chromium (never a downloaded browser) with a fake webcam playing a y4m clip, in a throw-away
/// profile. Disposing closes the browser and deletes the profile.
/// </summary>
public sealed class ChromiumSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly DirectoryInfo _profile;

    private ChromiumSession(IPlaywright playwright, IBrowserContext browser, IPage page, DirectoryInfo profile)
    {
        _playwright = playwright;
        Browser = browser;
        Page = page;
        _profile = profile;
    }

    public IBrowserContext Browser { get; }

    public IPage Page { get; }

    /// <summary>Starts Chromium with <paramref name="cameraClip"/> as the webcam; page console and errors go to <paramref name="output"/>.</summary>
    public static async Task<ChromiumSession> LaunchAsync(string cameraClip, ITestOutputHelper output, params string[] extraArgs)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: run scripts/setup.sh --tests (apt-get install chromium)");
        var profile = Directory.CreateTempSubdirectory("blazormood-chromium-");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream", $"--use-file-for-fake-video-capture={cameraClip}", .. extraArgs,
                ],
                ViewportSize = new() { Width = 1280, Height = 900 },
            });
            var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            page.Console += (_, m) => output.WriteLine($"console.{m.Type}: {m.Text}");
            page.PageError += (_, e) => output.WriteLine($"page error: {e}");
            return new ChromiumSession(playwright, browser, page, profile);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Signs <paramref name="account"/> in through the real sign-in page, then waits for the dashboard.</summary>
    public Task SignInAsync(Uri baseAddress, TestAccount account) => SignInAsync(Page, baseAddress, account);

    /// <summary>
    /// Signs <paramref name="account"/> in on <paramref name="page"/> with the real sign-in form (email, password,
    /// antiforgery token), then waits until the browser is back on the dashboard with the auth cookie.
    /// </summary>
    public static async Task SignInAsync(IPage page, Uri baseAddress, TestAccount account)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(account);
        await page.GotoAsync(new Uri(baseAddress, "account/login").ToString(), new() { WaitUntil = WaitUntilState.Load });
        await page.Locator("[data-testid=login-email]").FillAsync(account.Email);
        await page.Locator("[data-testid=login-password]").FillAsync(account.Password);
        await page.Locator("[data-testid=login-submit]").ClickAsync();
        // A readiness wait, not a speed check: the dashboard's first render on a cold server, while other test
        // collections keep both cores busy, once took longer than 15 s to fire its load event in CI.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { Timeout = 60_000 });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile while it exits.
        }
    }
}
