using System.Globalization;
using System.Net;
using System.Text.Json;
using BlazorMood.TestSupport;
using BlazorMood.Web.Tests.Curation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// The real app on Kestrel over a throw-away copy of some starter playlists, with its first administrator created
/// from configuration (<c>Admin:Email</c>, <c>Admin:Password</c>), the way an operator sets it up.
/// </summary>
public sealed class CurationLiveServer : WebApplicationFactory<Program>
{
    public const string AdminEmail = "curator@tests.invalid";
    public const string AdminPassword = "Curator-password-1";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "blazormood-tests", Guid.NewGuid().ToString("n"));

    public CurationLiveServer()
    {
        LibraryRoot = CurationWebFactory.CopyLibrary("emotion_happy", "emotion_neutral", "emotion_surprise");
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().TrimEnd('/') + "/");
    }

    public Uri BaseAddress { get; }

    public string LibraryRoot { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Data:DatabasePath", Path.Combine(_dataDir, "curation-e2e.db"));
        builder.UseSetting("VideoJobs:StoragePath", Path.Combine(_dataDir, "videos"));
        builder.UseSetting("Vision:ExecutionProvider", "Cpu");
        builder.UseSetting("Music:LibraryPath", LibraryRoot);
        builder.UseSetting("Admin:Email", AdminEmail);
        builder.UseSetting("Admin:Password", AdminPassword);
        builder.UseSetting("RateLimits:AccountForms:PermitLimit", "100000");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (var dir in new[] { _dataDir, LibraryRoot })
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // SQLite may still hold its WAL for a moment; the temp folder is disposable anyway.
                }
            }
        }
    }
}

/// <summary>
/// End to end in headless Chromium: the configured administrator signs in, opens Admin from the navigation, creates a
/// playlist mapped to an emotion, uploads a generated track through the page, watches it being analysed until its
/// tempo shows, previews it, and gets it recommended for that emotion.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class AdminCurationBrowserTests(CurationLiveServer server, ITestOutputHelper output) : IClassFixture<CurationLiveServer>
{
    [Fact]
    public async Task An_admin_creates_a_playlist_uploads_a_track_sees_it_analysed_and_gets_it_recommended()
    {
        var upload = Path.Combine(Path.GetTempPath(), $"bm-e2e-{Guid.NewGuid():N}.ogg");
        await File.WriteAllBytesAsync(upload, GeneratedTracks.Clicks(128, 20, "E2E Click 128"));
        try
        {
            await using var chromium = await ChromiumSession.LaunchAsync(FakeCamera.AstronautClip, output);
            var page = chromium.Page;
            await chromium.SignInAsync(server.BaseAddress, new TestAccount("", CurationLiveServer.AdminEmail, CurationLiveServer.AdminPassword, "Admin", ""));

            // The Admin link is in the navigation of an administrator.
            // (Opened with a full load rather than a click: a click on the prerendered dashboard before its circuit is up
            // is a race of Blazor's start-up, not of this page.)
            var nav = page.Locator("[data-testid=nav-admin]");
            await nav.WaitForAsync(new() { Timeout = 15_000 });
            Assert.Equal("admin", await nav.GetAttributeAsync("href"));
            await page.GotoAsync(new Uri(server.BaseAddress, "admin").ToString(), new() { WaitUntil = WaitUntilState.Load });
            await page.Locator("[data-testid=playlist-row][data-playlist=emotion_surprise]").WaitForAsync(new() { Timeout = 15_000 });
            // Prerendered first: the buttons work once the circuit is up.
            await page.Locator("[data-testid=library-admin][data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });

            // A playlist mapped to an emotion.
            await page.Locator("[data-testid=new-playlist]").ClickAsync();
            await page.Locator("input[data-testid=playlist-name]").FillAsync("e2e_surprise");
            await ChooseAsync(page, "playlist-kind", "An emotion");
            await ChooseAsync(page, "playlist-emotion", "surprise");
            await page.Locator("[data-testid=playlist-save]").ClickAsync();
            var row = page.Locator("[data-testid=playlist-row][data-playlist=e2e_surprise]");
            await row.WaitForAsync(new() { Timeout = 15_000 });
            Assert.Equal("emotion:surprise", await row.GetAttributeAsync("data-context"));
            await page.Locator("[data-testid=selected-playlist]", new() { HasTextString = "e2e_surprise" }).WaitForAsync(new() { Timeout = 10_000 });

            // Upload through the page's file input; it becomes a track, then the worker measures it.
            await page.Locator("#track-upload-input").SetInputFilesAsync(upload);
            var item = page.Locator("[data-testid=upload-item][data-state=done], [data-testid=upload-item][data-state=failed]");
            await item.WaitForAsync(new() { Timeout = 30_000 });
            output.WriteLine("upload: " + await item.InnerTextAsync());
            Assert.Equal("done", await item.GetAttributeAsync("data-state"));
            var marker = page.Locator("[data-testid=track-row]", new() { HasTextString = "E2E Click 128" });
            await marker.WaitForAsync(new() { Timeout = 10_000 });
            var id = await marker.GetAttributeAsync("data-track-id");
            Assert.False(string.IsNullOrEmpty(id));
            // The grid row: the track's facts sit on the marker in its first cell, tempo and controls in the other cells.
            var track = page.Locator("tr", new() { Has = page.Locator($"[data-testid=track-row][data-track-id='{id}']") });
            await page.Locator($"[data-testid=track-row][data-track-id='{id}'][data-analysis=done]").WaitForAsync(new() { Timeout = 60_000 });
            var bpmText = await track.Locator("[data-testid=track-bpm]").InnerTextAsync();
            output.WriteLine($"uploaded {id}: {bpmText}");
            var bpm = double.Parse(bpmText.Replace("BPM", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
            Assert.InRange(bpm, 125.4, 130.6);
            if (Environment.GetEnvironmentVariable("BLAZORMOOD_E2E_SCREENSHOTS") is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "admin-1280x900.png"), FullPage = true });
            }

            // The row's play button loads the track into the page's one preview player, which reads it from
            // /api/tracks/{id} with the admin's cookie.
            await track.Locator("[data-testid=track-preview]").ClickAsync();
            var player = page.Locator("[data-testid=preview-player]");
            Assert.Equal(1, await page.Locator("audio").CountAsync());
            await page.Locator($"[data-testid=preview-player][data-track-id='{id}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 10_000 });
            Assert.Equal($"/api/tracks/{id}", await player.GetAttributeAsync("src"));
            await page.WaitForFunctionAsync(
                "() => { const a = document.querySelector('[data-testid=preview-player]'); return a && a.readyState >= 1 && a.duration > 0; }",
                null, new() { Timeout = 15_000 });
            Assert.Equal("true", await track.Locator("[data-testid=track-preview]").GetAttributeAsync("aria-pressed"));
            var preview = await page.EvaluateAsync<JsonElement>(
                "async url => { const r = await fetch(url, { headers: { Range: 'bytes=0-99' } }); return { status: r.status, type: r.headers.get('content-type') }; }",
                await player.GetAttributeAsync("src"));
            Assert.Equal(206, preview.GetProperty("status").GetInt32());
            Assert.Equal("audio/ogg", preview.GetProperty("type").GetString());

            // Recommended for that emotion, with its measured tempo, by the signed-in browser.
            var answer = await page.EvaluateAsync<JsonElement>(
                "async () => (await fetch('/api/recommend?emotion=surprise', { headers: { Accept: 'application/json' } })).json()");
            var first = answer.GetProperty("tracks")[0];
            Assert.Equal(id, first.GetProperty("id").GetString());
            Assert.Equal("e2e_surprise", first.GetProperty("playlist").GetString());
            Assert.InRange(first.GetProperty("bpm").GetDouble(), 125.4, 130.6);
            Assert.Equal("emotion", answer.GetProperty("source").GetString());
            Assert.Contains("e2e_surprise", answer.GetProperty("reason").GetProperty("summary").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(upload);
        }
    }

    /// <summary>Opens a MudSelect by its data-testid and clicks the option with exactly this text in its menu.</summary>
    private static async Task ChooseAsync(IPage page, string testId, string option)
    {
        await page.Locator($"[data-testid={testId}]").First.ClickAsync();
        var item = page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^\\s*{System.Text.RegularExpressions.Regex.Escape(option)}\\s*$") });
        await item.First.ClickAsync(new() { Timeout = 10_000 });
    }
}
