using System.Globalization;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Live;
using BlazorMood.Web.Recommendations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;

namespace BlazorMood.Web.Components.Pages.Home.Recommendations;

/// <summary>
/// The Recommendations tab: transport, now playing, "why this track", the queue, the mood query and the mode. State
/// lives in the circuit's <see cref="PlayerState"/>; the <c>&lt;audio&gt;</c> element is driven by
/// <c>wwwroot/js/music-player.js</c>, which reports start, pause, end and progress back here.
/// </summary>
public sealed partial class MusicPlayer
{
    public const string ModulePath = "./js/music-player.js";

    // Like most players: "previous" after the first seconds of a track restarts it instead.
    private const double RestartThresholdSeconds = 3;

    private static readonly (RecommendationMode Mode, string Label)[] Modes =
        [(RecommendationMode.Baseline, "Baseline"), (RecommendationMode.Context, "Context")];

    private ElementReference _audio;
    private IJSObjectReference? _module;
    private IJSObjectReference? _player;
    private DotNetObjectReference<MusicPlayer>? _self;
    private string? _loadedTrackId;
    private string? _error;
    private bool _disposed;

    [Inject]
    private PlayerState State { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private ILogger<MusicPlayer> Logger { get; set; } = default!;

    private RecommendedTrack? Track => State.Current;

    private Recommendation? Reason => State.CurrentReason;

    protected override async Task OnInitializedAsync()
    {
        if (State.UserId is null)
        {
            State.Attach(await ResolveUserAsync());
        }
        State.Changed += OnStateChanged;
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

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            try
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
                _player = await _module.InvokeAsync<IJSObjectReference>("create", _audio, _self, new { volume = State.Volume });
            }
            catch (JSDisconnectedException)
            {
                return;
            }
            catch (JSException e)
            {
                ShowError("The player could not start: " + e.Message);
                return;
            }
        }
        await SyncAudioAsync();
    }

    /// <summary>Loads the current track into the element when it changed (the element keeps playing otherwise).</summary>
    private async Task SyncAudioAsync()
    {
        if (_player is null || Track is not { } track || track.Id == _loadedTrackId)
        {
            return;
        }
        _loadedTrackId = track.Id;
        await CallPlayerAsync(async p => ReportPlayError(await p.InvokeAsync<string?>("load", track.Id, track.Url, State.IsPlaying)));
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
        _error = null;
        if (Track is not null && Track.Id != _loadedTrackId)
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

    private void SetText(string? text) => State.SetText(text);

    [JSInvokable]
    public Task OnPlaying(string trackId)
    {
        _error = null;
        State.OnStarted(trackId);
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnPaused(string trackId)
    {
        if (Track?.Id == trackId)
        {
            State.SetPlaying(false);
        }
        return Task.CompletedTask;
    }

    /// <summary>The track played to its end: that is a <c>complete</c>, and the track boundary where the context may move the music.</summary>
    [JSInvokable]
    public async Task OnEnded(string trackId)
    {
        if (Track?.Id != trackId)
        {
            return;
        }
        State.Advance(AdvanceReason.Ended);
        await InvokeAsync(SyncAudioAsync);
    }

    [JSInvokable]
    public Task OnProgress(string trackId, double position, double duration)
    {
        State.OnProgress(trackId, position, duration);
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnError(string trackId, string message)
    {
        if (Track?.Id == trackId)
        {
            State.SetPlaying(false);
            ShowError($"This track could not play ({message}). Press next to go on.");
        }
        return Task.CompletedTask;
    }

    private void ReportPlayError(string? error)
    {
        if (error is null)
        {
            return;
        }
        State.SetPlaying(false);
        ShowError(error);
    }

    private async Task CallPlayerAsync(Func<IJSObjectReference, Task> call)
    {
        if (_player is null)
        {
            return;
        }
        try
        {
            await call(_player);
        }
        catch (JSDisconnectedException)
        {
            // The browser went away; the state stays for a reconnect.
        }
        catch (JSException e)
        {
            ShowError("The player failed: " + e.Message);
        }
    }

    private void ShowError(string message)
    {
        _error = message;
        LogPlayerError(Logger, message);
        _ = InvokeAsync(StateHasChanged);
    }

    private void OnStateChanged()
    {
        if (!_disposed)
        {
            _ = RenderAsync();
        }
    }

    private async Task RenderAsync()
    {
        try
        {
            await InvokeAsync(StateHasChanged);
        }
        catch (ObjectDisposedException)
        {
            // Rendered after the circuit ended.
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
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

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        State.Changed -= OnStateChanged;
        await JsClientDisposal.DisposeAsync(_player, _module);
        _self?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendations player: no signed-in user in the circuit; using {UserId}")]
    private static partial void LogNoSession(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recommendations player: {Message}")]
    private static partial void LogPlayerError(ILogger logger, string message);
}
