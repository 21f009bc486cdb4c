using BlazorMood.Web.Kiosk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// End to end: a wall screen paired with a short code (no link typed) and a camera showing people jumping: a real
/// person doing jumping jacks (a clip of the activity development set, where it has been assembled) and, on every
/// machine, three people of an npm sample photo bouncing at a jumping-jack pace. The kiosk must read high energy within
/// seconds, play music chosen for that energy, and say the same on the screen as what chose the playing track.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class KioskEnergyBrowserTests(ITestOutputHelper output)
{
    private const string JumpingJacks = "exercising/jumping/venkat-gym__jumping_jacks.mp4";

    [ActivityClipFact(JumpingJacks)]
    public Task A_screen_paired_by_code_reads_a_jumping_person_as_high_energy_and_plays_and_shows_music_for_it() =>
        ReadsHighEnergyAndAgreesAsync(FakeCamera.ActivityClip(JumpingJacks, 5));

    /// <summary>The same on every machine, CI included: people jumping, generated from an npm sample photo.</summary>
    [Fact]
    public Task A_screen_paired_by_code_reads_a_jumping_group_as_high_energy_and_plays_and_shows_music_for_it() =>
        ReadsHighEnergyAndAgreesAsync(FakeCamera.JumpingGroupClip);

    private async Task ReadsHighEnergyAndAgreesAsync(string clip)
    {
        using var server = new RestartableServer();
        server.Start();
        await using var chromium = await ChromiumSession.LaunchAsync(clip, output, KioskBrowserTests.AutoplayFlag);
        var page = chromium.Page;

        // The wall shows a code; the admin enters it (what Admin → Kiosk devices does); the wall starts by itself.
        await page.GotoAsync(new Uri(server.BaseAddress, KioskEndpoints.PairPath.TrimStart('/')).ToString());
        var code = await page.Locator("[data-testid=kiosk-pair-code]").GetAttributeAsync("data-code");
        Assert.Equal(KioskPairing.CodeLength, code?.Length);
        var pairing = server.Services.GetRequiredService<KioskPairing>();
        Assert.Equal(KioskPairingAttempt.Accepted, await pairing.TryAsync(server.Admin.Id, code));
        var device = await server.Services.GetRequiredService<IKioskDevices>().CreateAsync("E2E paired wall", server.Admin.Id, CancellationToken.None);
        Assert.True(await pairing.CompleteAsync(code, device.Token));
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/kiosk", new() { Timeout = 15_000 });

        // High energy within a few seconds of the first frames, with or without a face.
        var started = DateTime.UtcNow;
        await page.Locator("[data-testid=kiosk][data-energy=high]").WaitForAsync(new() { Timeout = 20_000 });
        output.WriteLine($"high energy after {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        await AssertHighEnergyShownAsync(page);

        // The time-of-day track gives way to music for the workout; the screen's music line and the track agree.
        var agreed = await WaitAsync(async () =>
        {
            var chosenFor = await TextAsync(page, "[data-testid=kiosk-track-chosen-for]");
            var music = await TextAsync(page, "[data-testid=room-mood-music]");
            return chosenFor.Contains("workout pace", StringComparison.Ordinal) && music == "Music for " + chosenFor["chosen for ".Length..]
                ? (chosenFor, music)
                : default((string, string)?);
        }, TimeSpan.FromSeconds(40));
        Assert.True(agreed is not null,
            $"no agreement: chosen for '{await TextAsync(page, "[data-testid=kiosk-track-chosen-for]")}', screen '{await TextAsync(page, "[data-testid=room-mood-music]")}'");
        output.WriteLine($"screen: {agreed.Value.Item2}; track: {agreed.Value.Item1}");
        var mood = await page.Locator("[data-testid=room-mood]").GetAttributeAsync("data-label") ?? "";
        output.WriteLine($"room mood: '{mood}'");
        Assert.NotEqual("angry", mood); // at high energy a grimace reads as effort
        if (mood is "" or "effort")
        {
            // Nothing but the energy chose the music.
            Assert.Equal("activity", await page.Locator("[data-testid=kiosk-now-playing]").GetAttributeAsync("data-source"));
        }
        var reading = await KioskBrowser.WaitAsync(page, r => r.Playing, TimeSpan.FromSeconds(10));
        Assert.NotNull(reading);
        await AssertHighEnergyShownAsync(page);
    }

    /// <summary>The headline is the energy, or a mood that leads with the energy named beside it (effort says it is hard work).</summary>
    private static async Task AssertHighEnergyShownAsync(IPage page)
    {
        var title = await TextAsync(page, "[data-testid=room-mood-title]");
        var caption = await TextAsync(page, "[data-testid=room-mood-caption]");
        Assert.True(title == "High energy" || caption.StartsWith("high energy", StringComparison.Ordinal) || caption.Contains("working hard", StringComparison.Ordinal),
            $"title '{title}', caption '{caption}'");
    }

    private static async Task<string> TextAsync(IPage page, string selector) =>
        await page.Locator(selector).CountAsync() > 0 ? (await page.Locator(selector).First.InnerTextAsync()).Trim() : "";

    private static async Task<T?> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout) where T : struct
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }
            await Task.Delay(250);
        }
        return null;
    }
}
