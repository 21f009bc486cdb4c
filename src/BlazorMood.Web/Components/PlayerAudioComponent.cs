using BlazorMood.Music.Recommendation;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components;

/// <summary>
/// Base of the views that play a circuit's <see cref="PlayerState"/> through one <c>&lt;audio&gt;</c> element (the
/// Recommendations tab, the kiosk). The element is driven by <c>wwwroot/js/music-player.js</c>, which reports start,
/// pause, end, progress and errors back here; the derived view renders the element with <c>@ref="AudioElement"</c> and
/// adds its own controls. Every render loads the current track when it changed, so whoever advances the state (a
/// button, the end of a track, the kiosk's mood) is followed by the element.
/// </summary>
public abstract partial class PlayerAudioComponent : ComponentBase, IAsyncDisposable
{
    public const string ModulePath = "./js/music-player.js";

    private IJSObjectReference? _module;
    private IJSObjectReference? _player;
    private DotNetObjectReference<PlayerAudioComponent>? _self;
    private ILogger? _logger;
    private bool _disposed;
    private string? _noticeKeptFor;

    /// <summary>The element the module drives (bind it with <c>@ref</c>; Blazor must never re-render its attributes).</summary>
    protected ElementReference AudioElement;

    [Inject]
    protected PlayerState State { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ILoggerFactory LoggerFactory { get; set; } = default!;

    protected RecommendedTrack? Track => State.Current;

    protected Recommendation? Reason => State.CurrentReason;

    /// <summary>The last playback problem worth showing; null when none.</summary>
    protected string? PlayerError { get; set; }

    /// <summary>The track id last handed to the element.</summary>
    protected string? LoadedTrackId { get; private set; }

    private ILogger Logger => _logger ??= LoggerFactory.CreateLogger(GetType());

    protected override void OnInitialized() => State.Changed += OnStateChanged;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _self = DotNetObjectReference.Create(this);
            try
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
                _player = await _module.InvokeAsync<IJSObjectReference>("create", AudioElement, _self, new { volume = State.Volume });
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

    /// <summary>
    /// Loads the current track into the element when it changed (the element keeps playing otherwise): a crossfade
    /// when the mood or a query moved the music while it plays, else a plain load. Either way the element applies the
    /// track's loudness gain.
    /// </summary>
    protected async Task SyncAudioAsync()
    {
        if (_player is null || Track is not { } track || track.Id == LoadedTrackId)
        {
            return;
        }
        LoadedTrackId = track.Id;
        if (State.CurrentTransition == TrackTransition.Crossfade && State.IsPlaying)
        {
            await CallPlayerAsync(async p => ReportPlayError(
                await p.InvokeAsync<string?>("crossfade", track.Id, track.Url, track.GainDb, State.Crossfade.TotalSeconds)));
            return;
        }
        await CallPlayerAsync(async p => ReportPlayError(await p.InvokeAsync<string?>("load", track.Id, track.Url, State.IsPlaying, track.GainDb)));
    }

    /// <summary>Calls the module's player; a browser that went away or a failing call never breaks the view.</summary>
    protected async Task CallPlayerAsync(Func<IJSObjectReference, Task> call)
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

    /// <summary>A refused <c>play()</c> (autoplay policy, decode error) leaves the player paused and says why.</summary>
    protected void ReportPlayError(string? error)
    {
        if (error is null)
        {
            return;
        }
        State.SetPlaying(false);
        ShowError(error);
    }

    protected void ShowError(string message)
    {
        PlayerError = message;
        LogPlayerError(Logger, message);
        _ = RenderAsync();
    }

    [JSInvokable]
    public Task OnPlaying(string trackId)
    {
        // The notice that a remote song was replaced stays while its replacement plays.
        if (trackId != _noticeKeptFor)
        {
            PlayerError = null;
            _noticeKeptFor = null;
        }
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
    public Task OnError(string trackId, string message) => Track?.Id == trackId ? OnTrackFailedAsync(message) : Task.CompletedTask;

    /// <summary>The current track cannot play. By default the player pauses and says so; a view may move on instead.</summary>
    protected virtual async Task OnTrackFailedAsync(string message)
    {
        if (Track?.Source is { } source)
        {
            // A song streamed from a Subsonic server: the server is likely down. The stream endpoint has already left
            // its songs out of the library, so the next pick is local music and playing goes on.
            var wasPlaying = State.IsPlaying;
            State.Advance(AdvanceReason.Next);
            State.SetPlaying(wasPlaying);
            _noticeKeptFor = State.Current?.Id;
            await SyncAudioAsync();
            ShowError($"{source} did not send the song, so the player went on with your own music.");
            return;
        }
        State.SetPlaying(false);
        ShowError($"This track could not play ({message}). Press next to go on.");
    }

    private void OnStateChanged()
    {
        if (!_disposed)
        {
            _ = RenderAsync();
        }
    }

    private Task RenderAsync() => BackgroundRender.RunAsync(() => InvokeAsync(StateHasChanged), DispatchExceptionAsync);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        State.Changed -= OnStateChanged;
        await DisposeCoreAsync();
        await JsClientDisposal.DisposeAsync(_player, _module);
        _self?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a derived view lets go of besides the audio module.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Player: {Message}")]
    private static partial void LogPlayerError(ILogger logger, string message);
}
