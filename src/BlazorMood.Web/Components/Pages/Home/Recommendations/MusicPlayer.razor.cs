using System.Globalization;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using BlazorMood.Live;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components.Pages.Home.Recommendations;

/// <summary>
/// The Recommendations tab: transport, now playing, "why this track", the queue, the mood query and the mode. State
/// lives in the circuit's <see cref="PlayerState"/>; the <c>&lt;audio&gt;</c> element and its reports (start, pause,
/// end, progress, errors) are the shared <see cref="PlayerAudioComponent"/>'s; this view adds the listener's controls.
/// </summary>
public sealed partial class MusicPlayer
{
    // Like most players: "previous" after the first seconds of a track restarts it instead.
    private const double RestartThresholdSeconds = 3;

    private static readonly (RecommendationMode Mode, string Label)[] Modes =
        [(RecommendationMode.Baseline, "Baseline"), (RecommendationMode.Context, "Context")];

    private static readonly (PlayerReactivity Reactivity, string Label)[] Reactivities =
        [(PlayerReactivity.WithinSeconds, "Follow my mood within seconds"), (PlayerReactivity.TrackEnd, "Change at the end of a track")];

    [Inject]
    private Microsoft.Extensions.Options.IOptions<PlayerOptions> PlayerOptions { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private ILogger<MusicPlayer> Logger { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        if (State.UserId is null)
        {
            State.Attach(await ResolveUserAsync());
        }
        if (State.Reactivity is null)
        {
            // The tab follows the listener as configured; the listener may change it here.
            State.SetReactivity(PlayerOptions.Value.Reactivity);
        }
    }

    /// <summary>
    /// The listener is the signed-in account, the same id its camera's hub stream and the APIs use, so the camera
    /// steers this player. A circuit without one (the page policy rules it out) gets a private id: music plays,
    /// without the camera's context.
    /// </summary>
    private async Task<string> ResolveUserAsync()
    {
        if (await CircuitUser.ResolveAsync(Authentication) is { } user)
        {
            return user;
        }
        var id = "circuit-" + LiveSession.NewId();
        LogNoSession(Logger, id);
        return id;
    }

    private async Task TogglePlayAsync()
    {
        if (State.IsPlaying)
        {
            State.SetPlaying(false);
            await CallPlayerAsync(p => p.InvokeVoidAsync("pause").AsTask());
            return;
        }
        State.EnsureCurrent();
        State.SetPlaying(true);
        PlayerError = null;
        if (Track is not null && Track.Id != LoadedTrackId)
        {
            await SyncAudioAsync();
        }
        else
        {
            await CallPlayerAsync(async p => ReportPlayError(await p.InvokeAsync<string?>("play")));
        }
    }

    private async Task AdvanceAsync(AdvanceReason reason)
    {
        State.Advance(reason);
        await SyncAudioAsync();
    }

    private async Task PreviousAsync()
    {
        if (State.Position > RestartThresholdSeconds || State.HistoryCount == 0)
        {
            await SeekAsync(0);
            return;
        }
        State.Previous();
        await SyncAudioAsync();
    }

    private void Like() => State.Like();

    private async Task SeekAsync(double seconds)
    {
        if (Track is { } t)
        {
            State.OnProgress(t.Id, seconds, State.Duration);
        }
        await CallPlayerAsync(p => p.InvokeVoidAsync("seek", seconds).AsTask());
    }

    private async Task SetVolumeAsync(double volume)
    {
        State.SetVolume(volume);
        await CallPlayerAsync(p => p.InvokeVoidAsync("setVolume", State.Volume).AsTask());
    }

    private void SetMode(RecommendationMode mode) => State.SetMode(mode);

    /// <summary>A typed wish plays at once; when it picked the track already loaded (and paused), that one starts.</summary>
    private async Task SetTextAsync(string? text)
    {
        State.SetText(text);
        if (State.IsPlaying && Track is { } t && t.Id == LoadedTrackId)
        {
            await CallPlayerAsync(async p => ReportPlayError(await p.InvokeAsync<string?>("play")));
        }
    }

    /// <summary>m:ss for durations and positions.</summary>
    public static string Clock(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0)
        {
            seconds = 0;
        }
        var t = TimeSpan.FromSeconds(Math.Floor(seconds));
        return t.TotalHours >= 1
            ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : $"{(int)t.TotalMinutes}:{t.Seconds:00}";
    }

    private static string SourceName(Recommendation? r) => r is null ? "" : Recommender.Wire(r.Source);

    private static string ModeName(RecommendationMode mode) => mode == RecommendationMode.Context ? "context" : "baseline";

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendations player: no signed-in user in the circuit; using {UserId}")]
    private static partial void LogNoSession(ILogger logger, string userId);
}
