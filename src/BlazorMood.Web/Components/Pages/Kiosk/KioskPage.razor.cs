using BlazorMood.Web.Components.Pages.Home.Live;
using BlazorMood.Web.Kiosk;
using BlazorMood.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using BlazorMood.Live;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Web.Components.Pages.Kiosk;

/// <summary>
/// <c>/kiosk</c>: the gym screen. The browser module (<c>wwwroot/js/kiosk.js</c>) owns the camera and the hub
/// connection and retries both for ever; this page starts it, hands its hub session to the circuit's
/// <see cref="KioskSession"/> (which steers the music) and shows counts, the room's mood and what plays, re-rendering
/// at most <see cref="MaxRendersPerSecond"/> times a second.
/// </summary>
public sealed partial class KioskPage
{
    public const string ModulePath = "./js/kiosk.js";
    public const int MaxRendersPerSecond = 4;

    private ElementReference _root;
    private IJSObjectReference? _module;
    private IJSObjectReference? _client;
    private DotNetObjectReference<KioskPage>? _self;
    private RenderThrottle? _throttle;
    private IDisposable? _revocations;
    private bool _disposed;

    [Inject]
    private KioskSession Session { get; set; } = default!;

    [Inject]
    private IOptions<KioskOptions> Options { get; set; } = default!;

    [Inject]
    private IOptions<LiveOptions> LiveOptions { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private KioskDeviceEvents DeviceEvents { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<KioskPage> Logger { get; set; } = default!;

    private string CameraName => Session.Camera.ToString().ToLowerInvariant();

    protected override async Task OnInitializedAsync()
    {
        _throttle = new RenderThrottle(TimeSpan.FromSeconds(1.0 / MaxRendersPerSecond), Time, RenderAsync);
        // The music starts at once (time of day) for the signed-in device, and follows the room once the camera reports.
        var listener = await CircuitUser.ResolveAsync(Authentication);
        if (listener is null)
        {
            listener = "kiosk-circuit-" + LiveSession.NewId();
            LogNoListener(Logger, listener);
        }
        Session.Start(listener);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        Session.Changed += OnSessionChanged;
        _revocations = DeviceEvents.SubscribeRevoked(OnDeviceRevoked);
        var kiosk = Options.Value;
        _self = DotNetObjectReference.Create(this);
        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            _client = await _module.InvokeAsync<IJSObjectReference>("create", _root, new
            {
                hubUrl = LiveServiceCollectionExtensions.HubPath.TrimStart('/'),
                captureWidth = kiosk.CaptureWidth,
                captureHeight = kiosk.CaptureHeight,
                maxFps = Math.Min(kiosk.MaxFps, LiveOptions.Value.MaxFps),
                jpegQuality = LiveOptions.Value.JpegQuality,
                cameraRetryMs = (int)kiosk.CameraRetryInterval.TotalMilliseconds,
            }, _self);
        }
        catch (JSDisconnectedException)
        {
            // The circuit went away while starting; the page reloads when it comes back.
        }
        catch (JSException e)
        {
            Session.OnCamera(KioskCameraState.Unavailable, CameraProblem.Describe(e));
        }
    }

    /// <summary>The module's hub connection (re)started: follow that session's results.</summary>
    [JSInvokable]
    public Task OnSession(string session)
    {
        if (!_disposed && LiveSession.IsValid(session))
        {
            Session.Follow(session);
        }
        return Task.CompletedTask;
    }

    /// <summary>The module's camera state: <c>on</c>, <c>lost</c> or <c>unavailable</c> (with the browser's reason).</summary>
    [JSInvokable]
    public Task OnCamera(string state, string? message)
    {
        var parsed = state switch
        {
            "on" => KioskCameraState.On,
            "lost" => KioskCameraState.Lost,
            _ => KioskCameraState.Unavailable,
        };
        // The module reports a short problem code; the wall shows what it means (never the browser's stack).
        var text = string.IsNullOrEmpty(message) || parsed != KioskCameraState.Unavailable ? message : CameraProblem.Describe(message);
        Session.OnCamera(parsed, text is { Length: > 300 } ? text[..300] : text);
        return Task.CompletedTask;
    }

    /// <summary>An admin revoked this screen's device: leave for the refusal page now rather than at the next request.</summary>
    private void OnDeviceRevoked(string userId)
    {
        if (!_disposed && string.Equals(userId, Session.Player.UserId, StringComparison.Ordinal))
        {
            _ = InvokeAsync(() => Navigation.NavigateTo(KioskEndpoints.RefusedUrl(KioskRefusal.Revoked), forceLoad: true));
        }
    }

    private void OnSessionChanged()
    {
        if (!_disposed)
        {
            _throttle?.Request();
        }
    }

    private Task RenderAsync() => BackgroundRender.RunAsync(() => InvokeAsync(StateHasChanged), DispatchExceptionAsync);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        Session.Changed -= OnSessionChanged;
        _revocations?.Dispose();
        _throttle?.Dispose();
        await JsClientDisposal.DisposeAsync(_client, _module);
        _self?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kiosk: no signed-in listener reached the circuit; using {ListenerId}")]
    private static partial void LogNoListener(ILogger logger, string listenerId);
}
