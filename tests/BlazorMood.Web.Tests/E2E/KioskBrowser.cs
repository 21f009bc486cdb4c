using System.Text.Json;
using Microsoft.Playwright;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>What a kiosk page shows and plays, read from the browser (the E2E tests and the soak share it).</summary>
public sealed record KioskReading(
    bool Loaded,
    int People,
    string RoomMood,
    string Camera,
    long Analysed,
    bool AudioPaused,
    double AudioTime,
    string TrackId,
    double PageStartedAt,
    string Connection)
{
    public static KioskReading None { get; } = new(false, 0, "", "", 0, true, 0, "", 0, "");

    public bool Playing => Loaded && !AudioPaused && AudioTime > 0;
}

/// <summary>Reads a kiosk page; a page in the middle of (re)loading reads as <see cref="KioskReading.None"/>.</summary>
public static class KioskBrowser
{
    private const string Script = """
        () => {
          const root = document.querySelector('[data-testid=kiosk]');
          const audio = document.querySelector('[data-testid=kiosk-audio]');
          if (!root || !audio) return null;
          return {
            people: Number(document.querySelector('[data-testid=people-count]')?.dataset.count ?? 0),
            roomMood: document.querySelector('[data-testid=room-mood]')?.dataset.label ?? '',
            camera: root.dataset.camera ?? '',
            analysed: Number(root.dataset.analysed ?? 0),
            paused: audio.paused,
            time: audio.currentTime,
            trackId: audio.dataset.trackId ?? '',
            startedAt: performance.timeOrigin,
            connection: document.documentElement.dataset.connection ?? '',
          };
        }
        """;

    public static async Task<KioskReading> ReadAsync(IPage page)
    {
        try
        {
            var json = await page.EvaluateAsync<JsonElement?>(Script);
            if (json is not { ValueKind: JsonValueKind.Object } r)
            {
                return KioskReading.None;
            }
            return new KioskReading(true, r.GetProperty("people").GetInt32(), r.GetProperty("roomMood").GetString() ?? "",
                r.GetProperty("camera").GetString() ?? "", r.GetProperty("analysed").GetInt64(), r.GetProperty("paused").GetBoolean(),
                r.GetProperty("time").GetDouble(), r.GetProperty("trackId").GetString() ?? "", r.GetProperty("startedAt").GetDouble(),
                r.GetProperty("connection").GetString() ?? "");
        }
        catch (PlaywrightException)
        {
            // The page is navigating (a reload after a server restart): nothing to read this instant.
            return KioskReading.None;
        }
    }

    /// <summary>Polls until <paramref name="done"/> holds; returns the reading that satisfied it, or null after <paramref name="timeout"/>.</summary>
    public static async Task<KioskReading?> WaitAsync(IPage page, Func<KioskReading, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var reading = await ReadAsync(page);
            if (done(reading))
            {
                return reading;
            }
            await Task.Delay(250);
        }
        return null;
    }
}
