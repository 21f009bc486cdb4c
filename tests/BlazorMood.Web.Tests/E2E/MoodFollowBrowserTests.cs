using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// End to end, the real app in headless Debian Chromium whose fake webcam shows a laughing face for 50 s, then
/// another face with another expression: the Recommendations tab plays the happy playlist, and once the other
/// expression holds the music crossfades, mid-track, to that expression's playlist within 10 s of the label changing
/// on the page; "Up next" never changes while the face stays happy; the element's volume carries the track's
/// loudness gain. Both pictures are face-api's npm demo photos: sample1's laughing woman, then sample2's woman in the
/// middle, looking down (the emotion API reads her sad, 0.85).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Browser")]
public sealed class MoodFollowBrowserTests(LiveServerFixture server, ITestOutputHelper output) : IClassFixture<LiveServerFixture>
{
    private const int HappySeconds = 50;
    private const string Centred = "scale=480:480,pad=640:480:80:0";

    private sealed record Sample(double At, string? Label, string? TrackId, bool Paused, double CurrentTime, double Duration, double Volume, bool Fading,
        string Queue, string Playlist, string GainDb);

    private static string Clip() => FakeCamera.Sequence("happy-then-sad-640x480.y4m",
        (TestAssets.FaceApiSample("sample1.jpg"), "crop=640:640:1180:60," + Centred, HappySeconds),
        (TestAssets.FaceApiSample("sample2.jpg"), "crop=640:640:672:0," + Centred, 60));

    private static async Task<Sample> SampleAsync(IPage page, Stopwatch clock)
    {
        var json = await page.EvaluateAsync<JsonElement>("""
            () => {
              const a = document.querySelector('[data-testid=player-audio]');
              const s = a.blazormoodPlayer.state();
              const label = document.querySelector('[data-testid=dominant-emotion]')?.dataset.label ?? null;
              const queue = [...document.querySelectorAll('[data-testid=queue-item]')].map(q => q.dataset.trackId).join(',');
              const player = document.querySelector('[data-testid=music-player]');
              return { label, trackId: s.trackId, paused: s.paused, currentTime: s.currentTime, duration: s.duration, volume: s.volume,
                       fading: s.fading, queue, playlist: player.dataset.playlist, gainDb: player.dataset.gainDb ?? '' };
            }
            """);
        return new Sample(clock.Elapsed.TotalSeconds, json.GetProperty("label").GetString(), json.GetProperty("trackId").GetString(),
            json.GetProperty("paused").GetBoolean(), json.GetProperty("currentTime").GetDouble(), json.GetProperty("duration").GetDouble(),
            json.GetProperty("volume").GetDouble(), json.GetProperty("fading").GetBoolean(), json.GetProperty("queue").GetString() ?? "",
            json.GetProperty("playlist").GetString() ?? "", json.GetProperty("gainDb").GetString() ?? "");
    }

    [Fact]
    public async Task When_the_face_changes_mid_track_the_music_crossfades_to_its_mood_within_ten_seconds()
    {
        var clip = Clip();
        await using var chromium = await ChromiumSession.LaunchAsync(clip, output, "--autoplay-policy=no-user-gesture-required");
        var page = chromium.Page;
        var clock = Stopwatch.StartNew();
        await chromium.SignInAsync(server.BaseAddress, server.User);
        await page.GotoAsync(server.BaseAddress.ToString(), new() { WaitUntil = WaitUntilState.Load });
        await page.Locator("[data-testid=dominant-emotion][data-label=happy]").WaitForAsync(new() { Timeout = 20_000 });

        await page.GetByRole(AriaRole.Tab, new() { Name = "Recommendations" }).ClickAsync();
        await page.Locator("[data-testid=music-player][data-source=emotion][data-playlist=emotion_happy]").WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal("seconds", await page.Locator("[data-testid=reactivity]").GetAttributeAsync("data-reactivity"));
        await page.Locator("[data-testid=play-pause]").ClickAsync();
        await page.WaitForFunctionAsync("() => { const a = document.querySelector('[data-testid=player-audio]'); return a && !a.paused && a.currentTime > 0.3; }",
            null, new() { Timeout = 10_000 });

        var happy = await SampleAsync(page, clock);
        output.WriteLine($"{happy.At:F1} s: playing {happy.TrackId} ({happy.Playlist}), gain {happy.GainDb} dB, volume {happy.Volume:F3}, label {happy.Label}");
        Assert.Equal("happy", happy.Label);
        // Loudness normalisation: the element's volume is the listener's 0.8 times the track's gain, clamped.
        var gain = happy.GainDb.Length > 0 ? double.Parse(happy.GainDb, CultureInfo.InvariantCulture) : 0;
        Assert.Equal(Math.Clamp(0.8 * Math.Pow(10, gain / 20), 0, 1), happy.Volume, 3);

        // While the face stays happy: the same track plays (kept from its end, as a listener would seek back) and
        // "Up next" does not move.
        Sample? changed = null;
        var queues = new HashSet<string>();
        var deadline = TimeSpan.FromSeconds(HappySeconds + 40);
        while (clock.Elapsed < deadline)
        {
            var s = await SampleAsync(page, clock);
            if (s.Label is { Length: > 0 } label && label != "happy")
            {
                changed = s;
                break;
            }
            Assert.Equal(happy.TrackId, s.TrackId);
            queues.Add(s.Queue);
            if (s.Duration > 0 && s.Duration - s.CurrentTime < 14)
            {
                await page.EvaluateAsync("() => { document.querySelector('[data-testid=player-audio]').currentTime = 1; }");
            }
            await page.WaitForTimeoutAsync(250);
        }
        Assert.NotNull(changed);
        output.WriteLine($"{changed!.At:F1} s: the label turns {changed.Label}; track {changed.TrackId} at {changed.CurrentTime:F1} of {changed.Duration:F1} s");
        Assert.Single(queues);
        Assert.Equal(happy.TrackId, changed.TrackId);
        Assert.False(changed.Paused);

        // The music follows: a crossfade to another track while the old one still had time left.
        Sample? switched = null;
        var fadeSeen = false;
        while (clock.Elapsed.TotalSeconds < changed.At + 15)
        {
            var s = await SampleAsync(page, clock);
            fadeSeen |= s.Fading;
            if (s.TrackId != happy.TrackId && !s.Paused)
            {
                switched = s;
                break;
            }
            await page.WaitForTimeoutAsync(200);
        }
        Assert.NotNull(switched);
        var delay = switched!.At - changed.At;
        output.WriteLine($"{switched.At:F1} s: playing {switched.TrackId} ({switched.Playlist}) {delay:F1} s after the label changed; fading {switched.Fading}");
        Assert.True(delay <= 10, $"the music followed {delay:F1} s after the face");
        Assert.True(changed.Duration - changed.CurrentTime > delay, "the old track would have ended by itself");
        Assert.StartsWith("emotion_", switched.Playlist, StringComparison.Ordinal);
        Assert.NotEqual("emotion_happy", switched.Playlist);
        await page.WaitForTimeoutAsync(300);
        fadeSeen |= (await SampleAsync(page, clock)).Fading;
        Assert.True(fadeSeen || switched.Fading, "no crossfade was seen");
        var newLabel = switched.Playlist["emotion_".Length..];
        var summary = await page.Locator("[data-testid=reason-summary]").InnerTextAsync();
        output.WriteLine($"why: {summary}");
        Assert.Matches(@"^You have looked [a-z ]+ for the last \d+ seconds, so here is something", summary);
        Assert.DoesNotContain("_", summary, StringComparison.Ordinal);

        // No flapping: while the new expression holds, the track stays.
        var settled = clock.Elapsed.TotalSeconds + 8;
        while (clock.Elapsed.TotalSeconds < settled)
        {
            var s = await SampleAsync(page, clock);
            Assert.Equal(switched.TrackId, s.TrackId);
            await page.WaitForTimeoutAsync(500);
        }
        var after = await SampleAsync(page, clock);
        Assert.False(after.Fading);
        Assert.False(after.Paused);
        Assert.Equal(newLabel, after.Playlist["emotion_".Length..]);
    }

    [Fact]
    public async Task A_typed_mood_query_replaces_the_playing_track_at_once_even_in_baseline_mode()
    {
        await using var chromium = await ChromiumSession.LaunchAsync(FakeCamera.AstronautClip, output, "--autoplay-policy=no-user-gesture-required");
        var page = chromium.Page;
        var clock = Stopwatch.StartNew();
        await chromium.SignInAsync(server.BaseAddress, server.User);
        await page.GotoAsync(server.BaseAddress.ToString(), new() { WaitUntil = WaitUntilState.Load });
        // The circuit is up once the live tab names the face; a tab click before that is lost.
        await page.Locator("[data-testid=dominant-emotion][data-label=happy]").WaitForAsync(new() { Timeout = 20_000 });
        await page.GetByRole(AriaRole.Tab, new() { Name = "Recommendations" }).ClickAsync();
        await page.Locator("[data-testid=music-player][data-mode=baseline]").WaitForAsync(new() { Timeout = 15_000 });
        await page.Locator("[data-testid=play-pause]").ClickAsync();
        await page.WaitForFunctionAsync("() => { const a = document.querySelector('[data-testid=player-audio]'); return a && !a.paused && a.currentTime > 0.3; }",
            null, new() { Timeout = 10_000 });
        var before = await SampleAsync(page, clock);

        var input = page.Locator("[data-testid=mood-query] input, input[data-testid=mood-query]").First;
        await input.FillAsync("upbeat workout");
        await input.PressAsync("Enter");
        var typed = clock.Elapsed.TotalSeconds;

        await page.Locator("[data-testid=music-player][data-mode=context][data-source=text][data-state=playing]").WaitForAsync(new() { Timeout = 5_000 });
        await page.WaitForFunctionAsync(
            "id => { const s = document.querySelector('[data-testid=player-audio]').blazormoodPlayer.state(); return s.trackId !== id && !s.paused && s.currentTime > 0.2; }",
            before.TrackId, new() { Timeout = 5_000 });
        var after = await SampleAsync(page, clock);
        output.WriteLine($"{before.TrackId} ({before.Playlist}) -> {after.TrackId} ({after.Playlist}) {after.At - typed:F1} s after the query");
        Assert.Equal(await page.Locator("[data-testid=music-player]").GetAttributeAsync("data-track-id"), after.TrackId);
        Assert.DoesNotContain(before.TrackId, after.Queue.Split(','));
        Assert.StartsWith("You asked for \u201cupbeat workout\u201d", await page.Locator("[data-testid=reason-summary]").InnerTextAsync(), StringComparison.Ordinal);
    }
}
