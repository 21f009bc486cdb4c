using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using BlazorMood.Accounts;
using BlazorMood.Playback;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components.Pages.Home.Video;

/// <summary>
/// The Upload Video tab: the drop zone, the selected job (live stage progress with ETA and Cancel, the failure, or the
/// result: annotated video, activity timeline, cadence, the way to music) and the owner's past jobs. Job changes are
/// pushed by <see cref="IVideoJobNotifier"/> (a few a second per job, the final state always); nothing polls.
/// </summary>
public sealed partial class VideoUpload : IDisposable
{
    /// <summary>Past jobs listed.</summary>
    public const int MaxJobs = 20;

    private readonly CancellationTokenSource _lifetime = new();
    private List<VideoJobDto> _jobs = [];
    private IDisposable? _subscription;
    private Guid? _selectedId;
    private string? _error;
    private bool _loaded;
    private bool _disposed;

    [Inject]
    private IVideoJobs Jobs { get; set; } = default!;

    [Inject]
    private IVideoJobNotifier Notifier { get; set; } = default!;

    [Inject]
    private AuthenticationStateProvider Authentication { get; set; } = default!;

    [Inject]
    private ILogger<VideoUpload> Logger { get; set; } = default!;

    /// <summary>Opens the Recommendations tab (the server has told the recommender the clip's activity).</summary>
    [Parameter]
    public EventCallback OnShowRecommendations { get; set; }

    /// <summary>Whose jobs these are: the signed-in account, the same id the upload API resolves.</summary>
    public string OwnerId { get; private set; } = OwnerIdentity.Anonymous;

    private VideoJobDto? Selected => _selectedId is { } id ? _jobs.Find(j => j.Id == id) : null;

    protected override async Task OnInitializedAsync() =>
        // The signed-in account: the owner the upload API files this browser's uploads under.
        OwnerId = await CircuitUser.ResolveAsync(Authentication) ?? OwnerIdentity.Anonymous;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        // Subscribe before listing, so that no change falls between the two; Upsert keeps whichever is further along.
        _subscription = Notifier.Subscribe(OwnerId, OnJobChangedAsync);
        try
        {
            var jobs = await Jobs.ListAsync(OwnerId, MaxJobs, _lifetime.Token);
            foreach (var job in jobs)
            {
                Upsert(job);
            }
            // Back on the page while a clip is being analysed: show its progress straight away.
            _selectedId ??= _jobs.Find(j => VideoDisplay.IsActive(j.Status))?.Id;
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(Logger, "list", e);
            _error = "Your earlier videos could not be loaded: " + e.Message;
        }
        _loaded = true;
        StateHasChanged();
    }

    /// <summary>From the notifier, on any thread: applied on the renderer's context.</summary>
    private async Task OnJobChangedAsync(VideoJobDto job)
    {
        if (_disposed)
        {
            return;
        }
        try
        {
            await InvokeAsync(() =>
            {
                if (!_disposed)
                {
                    Upsert(job);
                    StateHasChanged();
                }
            });
        }
        catch (ObjectDisposedException)
        {
            // The circuit ended between the check and the render.
        }
    }

    private async Task OnUploadedAsync(Guid id)
    {
        _selectedId = id;
        _error = null;
        try
        {
            if (await Jobs.GetAsync(OwnerId, id, _lifetime.Token) is { } job)
            {
                Upsert(job);
            }
            else if (_jobs.Find(j => j.Id == id) is null)
            {
                // The browser's session is not this page's (cookies changed since the page loaded).
                _selectedId = null;
                _error = "The upload was accepted, but this page cannot see its job. Reload the page to follow it.";
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(Logger, "get", e);
            _error = "The upload was accepted, but its progress could not be loaded: " + e.Message;
        }
    }

    private void Open(Guid id)
    {
        _selectedId = id;
        _error = null;
    }

    private async Task CancelAsync(Guid id)
    {
        try
        {
            if (!await Jobs.CancelAsync(OwnerId, id, _lifetime.Token))
            {
                // It finished (or failed) meanwhile: show what it is now.
                if (await Jobs.GetAsync(OwnerId, id, _lifetime.Token) is { } job)
                {
                    Upsert(job);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(Logger, "cancel", e);
            _error = "The job could not be cancelled: " + e.Message;
        }
    }

    private async Task DeleteAsync(Guid id)
    {
        try
        {
            await Jobs.DeleteAsync(OwnerId, id, _lifetime.Token);
            // Deleted now, or already gone: either way it is not one of the owner's jobs any more.
            _jobs.RemoveAll(j => j.Id == id);
            if (_selectedId == id)
            {
                _selectedId = null;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(Logger, "delete", e);
            _error = "The job could not be deleted: " + e.Message;
        }
    }

    /// <summary>
    /// Adds or replaces a job, newest first, keeping <see cref="MaxJobs"/>. A state read before a newer pushed one
    /// (the list or a get racing the notifier) never rolls the job back: finished beats unfinished, then progress.
    /// </summary>
    private void Upsert(VideoJobDto job)
    {
        var i = _jobs.FindIndex(j => j.Id == job.Id);
        if (i >= 0)
        {
            if (IsOlder(job, _jobs[i]))
            {
                return;
            }
            _jobs[i] = job;
            return;
        }
        _jobs.Add(job);
        _jobs.Sort((a, b) => b.CreatedAt.CompareTo(a.CreatedAt));
        if (_jobs.Count > MaxJobs)
        {
            // Never drop the job on screen.
            var drop = _jobs.FindLast(j => j.Id != _selectedId);
            _jobs.Remove(drop!);
        }
    }

    internal static bool IsOlder(VideoJobDto candidate, VideoJobDto current)
    {
        var candidateDone = !VideoDisplay.IsActive(candidate.Status);
        var currentDone = !VideoDisplay.IsActive(current.Status);
        if (candidateDone != currentDone)
        {
            // A restart re-queues a running job: that is news, not a stale read, only while it has not finished.
            return currentDone;
        }
        if (currentDone)
        {
            return false;
        }
        if (candidate.Attempts != current.Attempts)
        {
            return candidate.Attempts < current.Attempts;
        }
        if (candidate.Status != current.Status)
        {
            return candidate.Status == VideoJobStatus.Queued;
        }
        return candidate.Progress < current.Progress;
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upload Video tab: {Operation} failed")]
    private static partial void LogFailed(ILogger logger, string operation, Exception exception);
}
