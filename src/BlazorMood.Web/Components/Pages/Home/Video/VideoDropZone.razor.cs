using BlazorMood.Video;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace BlazorMood.Web.Components.Pages.Home.Video;

/// <summary>
/// Drag-and-drop (or click-to-choose) upload of one video. <c>wwwroot/js/video-upload.js</c> sends the file with
/// XMLHttpRequest straight to <see cref="UploadUrl"/> — streamed by the browser, never through the circuit — and
/// reports start, progress and the outcome here. The server's refusal (problem+json <c>detail</c>) is shown as it is.
/// </summary>
public sealed partial class VideoDropZone : IAsyncDisposable
{
    public const string ModulePath = "./js/video-upload.js";
    public const string UploadUrl = "/api/videos";

    private ElementReference _zone;
    private ElementReference _input;
    private IJSObjectReference? _module;
    private IJSObjectReference? _client;
    private DotNetObjectReference<VideoDropZone>? _self;
    private bool _uploading;
    private string _fileName = "";
    private double _loaded;
    private double _total;
    private string? _error;
    private string? _notice;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private IOptions<VideoOptions> VideoOptions { get; set; } = default!;

    [Inject]
    private ILogger<VideoDropZone> Logger { get; set; } = default!;

    /// <summary>The server accepted the upload and queued job <c>id</c>.</summary>
    [Parameter]
    public EventCallback<Guid> OnUploaded { get; set; }

    /// <summary>True from the first byte sent until the server answered or the upload was cancelled.</summary>
    public bool IsUploading => _uploading;

    private long MaxBytes => VideoOptions.Value.MaxFileBytes;

    private TimeSpan MaxDuration => VideoOptions.Value.MaxDuration;

    private double Fraction => _total > 0 ? Math.Clamp(_loaded / _total, 0, 1) : 0;

    // Every byte is out: the server is now validating (ffprobe) before it answers.
    private bool Sent => _total > 0 && _loaded >= _total;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        _self = DotNetObjectReference.Create(this);
        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            _client = await _module.InvokeAsync<IJSObjectReference>("create", _zone, _input, _self, new
            {
                url = UploadUrl,
                maxBytes = MaxBytes,
                maxBytesText = VideoDisplay.Bytes(MaxBytes),
                progressIntervalMs = 100,
            });
        }
        catch (JSDisconnectedException)
        {
            // The circuit went away while starting.
        }
        catch (JSException e)
        {
            ShowError("Uploading is not available in this browser: " + e.Message);
        }
    }

    [JSInvokable]
    public Task OnUploadStarted(string fileName, double size)
    {
        _uploading = true;
        _fileName = fileName;
        _loaded = 0;
        _total = size;
        _error = null;
        _notice = null;
        StateHasChanged();
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnUploadProgress(double loaded, double total)
    {
        if (!_uploading)
        {
            return Task.CompletedTask;
        }
        _loaded = loaded;
        // The multipart body is a little larger than the file; the bar follows the body.
        _total = total > 0 ? total : _total;
        StateHasChanged();
        return Task.CompletedTask;
    }

    [JSInvokable]
    public async Task OnUploadSucceeded(string id)
    {
        _uploading = false;
        if (!Guid.TryParse(id, out var jobId))
        {
            ShowError("The server accepted the upload but answered with an unreadable job id.");
            return;
        }
        LogUploaded(Logger, _fileName, jobId);
        StateHasChanged();
        await OnUploaded.InvokeAsync(jobId);
    }

    /// <summary>The server refused the upload (its message), or the connection failed.</summary>
    [JSInvokable]
    public Task OnUploadFailed(string message, int status)
    {
        _uploading = false;
        LogRefused(Logger, _fileName, status, message);
        ShowError(message);
        return Task.CompletedTask;
    }

    /// <summary>The browser refused the file before sending anything (too large, clearly not a video, several files).</summary>
    [JSInvokable]
    public Task OnUploadRejected(string message)
    {
        ShowError(message);
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnUploadCancelled()
    {
        _uploading = false;
        _error = null;
        _notice = $"Upload of {_fileName} cancelled; nothing was kept.";
        StateHasChanged();
        return Task.CompletedTask;
    }

    private async Task CancelUploadAsync()
    {
        if (_client is null)
        {
            return;
        }
        try
        {
            await _client.InvokeVoidAsync("cancel");
        }
        catch (JSDisconnectedException)
        {
            // The page is gone, and its upload with it.
        }
    }

    private void ClearError()
    {
        _error = null;
        _notice = null;
    }

    private void ShowError(string message)
    {
        _error = message;
        _notice = null;
        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        // dispose() in the module aborts an upload still running: the page that would show its result is gone.
        await JsClientDisposal.DisposeAsync(_client, _module);
        _self?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Video upload of {FileName} accepted as job {JobId}")]
    private static partial void LogUploaded(ILogger logger, string fileName, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video upload of {FileName} refused (HTTP {Status}): {Message}")]
    private static partial void LogRefused(ILogger logger, string fileName, int status, string message);
}
