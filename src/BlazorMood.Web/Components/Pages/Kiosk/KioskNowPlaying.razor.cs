using System.Globalization;
using BlazorMood.Music.Recommendation;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components.Pages.Kiosk;

/// <summary>
/// The kiosk's music: the circuit's <see cref="PlayerState"/> played through the shared audio module, shown large.
/// The kiosk steers the state (see <see cref="BlazorMood.Web.Kiosk.KioskSession"/>); this view only plays what is current
/// and heals itself: a track that cannot play is replaced after a short pause instead of waiting for a click.
/// </summary>
public sealed partial class KioskNowPlaying
{
    /// <summary>Pause before moving past a track that failed (so a broken library cannot spin).</summary>
    public static readonly TimeSpan FailedTrackPause = TimeSpan.FromSeconds(2);

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    /// <summary>What the playing track was chosen for, in words (the room's reading when it started, or the time of day).</summary>
    [Parameter]
    public string? ChosenFor { get; set; }

    private string Source => Reason is { } r ? Recommender.Wire(r.Source) : "";

    /// <summary>A tap by the staff starts the music when the browser refused to autoplay it.</summary>
    private async Task ResumeAsync()
    {
        PlayerError = null;
        State.SetPlaying(true);
        await CallPlayerAsync(async p => ReportPlayError(await p.InvokeAsync<string?>("play")));
    }

    protected override async Task OnTrackFailedAsync(string message)
    {
        var failed = Track?.Id;
        ShowError($"A track could not play ({message}); the next one starts by itself.");
        await Task.Delay(FailedTrackPause, Time);
        if (Track?.Id == failed)
        {
            State.Advance(AdvanceReason.Next);
            await InvokeAsync(SyncAudioAsync);
        }
    }

    private static string Percent(double position, double duration) =>
        duration > 0 && double.IsFinite(position)
            ? (Math.Clamp(position / duration, 0, 1) * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%"
            : "0%";
}
