using BlazorMood.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using BlazorMood.Live;

namespace BlazorMood.Web.Components.Pages.Home.Live;

/// <summary>
/// The Live Emotion tab. The browser module (wwwroot/js/live-emotion.js) owns the camera, the hub connection and the
/// overlay; this component starts and stops it, and shows the session's dominant emotion, group mood and recent
/// changes from <see cref="LiveMoodNotifier"/>, re-rendering at most <see cref="MaxRendersPerSecond"/> times a second.
/// </summary>
public sealed partial class LiveEmotion
{
    public const int MaxRendersPerSecond = 10;
    public const string ModulePath = "./js/live-emotion.js";
    private const int MaxChanges = 8;

    private readonly Lock _stateLock = new();
    private readonly List<DominantEmotionChanged> _changes = [];
    private ElementReference _root;
    private IJSObjectReference? _module;
    private IJSObjectReference? _client;
    private DotNetObjectReference<LiveEmotion>? _self;
    private IDisposable? _subscription;
    private RenderThrottle? _throttle;
    private MoodReading? _dominant;
    private MoodReading? _group;
    private int _faceCount;
    private bool _cameraOn;
    private bool _cues;
    private string? _error;
    private bool _disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private LiveMoodNotifier Notifier { get; set; } = default!;

    [Inject]
    private IOptions<LiveOptions> Options { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private ILogger<LiveEmotion> Logger { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    /// <summary>The notifier session this view follows (known once the browser's hub connection is up).</summary>
    public string? Session { get; private set; }

    protected override void OnInitialized()
    {
        _cameraOn = Options.Value.AutoStart;
        _cues = Options.Value.CuesOnByDefault;
        _throttle = new RenderThrottle(TimeSpan.FromSeconds(1.0 / MaxRendersPerSecond), Time, RenderAsync);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        var o = Options.Value;
        _self = DotNetObjectReference.Create(this);
        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            _client = await _module.InvokeAsync<IJSObjectReference>("create", _root, new
            {
                hubUrl = LiveServiceCollectionExtensions.HubPath.TrimStart('/'),
                captureWidth = o.CaptureWidth,
                captureHeight = o.CaptureHeight,
                maxFps = o.MaxFps,
                jpegQuality = o.JpegQuality,
                cues = _cues,
                cueBase = "cues/",
                cueExtension = o.CueExtension,
            }, _self);
            if (_cameraOn)
            {
                await StartCameraAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit went away while starting; nothing to show.
        }
        catch (JSException e)
        {
            ShowError(CameraProblem.Describe(e), e.Message);
        }
    }

    private async Task StartCameraAsync()
    {
        if (_client is null)
        {
            return;
        }
        try
        {
            var session = await _client.InvokeAsync<string>("start");
            await OnSession(session);
            _error = null;
        }
        catch (JSException e)
        {
            _cameraOn = false;
            ShowError(CameraProblem.Describe(e), e.Message);
        }
    }

    private async Task SetCameraAsync(bool on)
    {
        _cameraOn = on;
        if (on)
        {
            await StartCameraAsync();
        }
        else if (_client is not null)
        {
            await _client.InvokeVoidAsync("stop");
            lock (_stateLock)
            {
                _dominant = null;
                _group = null;
                _faceCount = 0;
            }
        }
    }

    private async Task SetCuesAsync(bool on)
    {
        _cues = on;
        if (_client is not null)
        {
            await _client.InvokeVoidAsync("setCues", on);
        }
    }

    /// <summary>
    /// Called by the module when its hub connection (re)starts: follow that stream's updates. The hub names the stream
    /// after the signed-in account; since a page script could name anyone, only the account's own id is followed.
    /// </summary>
    [JSInvokable]
    public async Task OnSession(string session)
    {
        if (_disposed || string.Equals(session, Session, StringComparison.Ordinal))
        {
            return;
        }
        if (!string.Equals(session, await CircuitUser.ResolveAsync(Authentication), StringComparison.Ordinal))
        {
            LogForeignSession(Logger, session);
            return;
        }
        _subscription?.Dispose();
        Session = session;
        _subscription = Notifier.Subscribe(session, OnUpdateAsync);
    }

    private Task OnUpdateAsync(LiveUpdate update)
    {
        lock (_stateLock)
        {
            if (update.Frame is { Status: FrameStatus.Ok } frame && _cameraOn)
            {
                _dominant = frame.Dominant;
                _group = frame.Group;
                _faceCount = frame.Faces.Length;
            }
            if (update.Change is { } change)
            {
                _changes.Insert(0, change);
                if (_changes.Count > MaxChanges)
                {
                    _changes.RemoveAt(_changes.Count - 1);
                }
            }
        }
        _throttle?.Request();
        return Task.CompletedTask;
    }

    private Task RenderAsync() => BackgroundRender.RunAsync(() => InvokeAsync(StateHasChanged), DispatchExceptionAsync);

    private void ShowError(string message, string detail)
    {
        _error = message;
        LogStartFailed(Logger, detail);
        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _subscription?.Dispose();
        _throttle?.Dispose();
        await JsClientDisposal.DisposeAsync(_client, _module);
        _self?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live view: the browser reported stream {Session}, which is not the signed-in account's; ignored")]
    private static partial void LogForeignSession(ILogger logger, string session);

        [LoggerMessage(Level = LogLevel.Information, Message = "Live view: {Message}")]
    private static partial void LogStartFailed(ILogger logger, string message);
}
