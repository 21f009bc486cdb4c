using System.Collections.Concurrent;


namespace BlazorMood.VideoJobs;

/// <summary>Why a run was stopped before its end (host shutdown is told apart by the stopping token).</summary>
internal enum RunStopReason
{
    None,
    CancelRequested,
    Deleted,
    LeaseLost,
}

/// <summary>A job running in this process: its cancellation and a task that completes once the worker is done with it (files included).</summary>
internal sealed class RunningJob(Guid id, CancellationTokenSource cancellation)
{
    private int _reason;

    public Guid Id { get; } = id;

    public RunStopReason Reason => (RunStopReason)Volatile.Read(ref _reason);

    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Stops the run; the first reason given wins.</summary>
    public void Stop(RunStopReason reason)
    {
        Interlocked.CompareExchange(ref _reason, (int)reason, (int)RunStopReason.None);
        try
        {
            cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended between the look-up and the cancel.
        }
    }
}

/// <summary>
/// What the web side and the worker share in this process: the runs in progress (so a cancel or delete reaches the
/// pipeline at once instead of at the next heartbeat) and uploads being written (so the orphan sweep leaves them alone).
/// </summary>
internal sealed class VideoJobRuns
{
    private readonly ConcurrentDictionary<Guid, RunningJob> _running = new();
    private readonly ConcurrentDictionary<string, byte> _uploading = new(StringComparer.Ordinal);

    public RunningJob Register(Guid id, CancellationTokenSource cancellation)
    {
        var run = new RunningJob(id, cancellation);
        _running[id] = run;
        return run;
    }

    public void Unregister(RunningJob run) => _running.TryRemove(new KeyValuePair<Guid, RunningJob>(run.Id, run));

    public bool IsRunning(Guid id) => _running.ContainsKey(id);

    /// <summary>Stops the job's run in this process; returns the task that completes when the worker let go of it, or null when it does not run here.</summary>
    public Task? Stop(Guid id, RunStopReason reason)
    {
        if (!_running.TryGetValue(id, out var run))
        {
            return null;
        }
        run.Stop(reason);
        return run.Done.Task;
    }

    public void BeginUpload(string storageName) => _uploading.TryAdd(storageName, 0);

    public void EndUpload(string storageName) => _uploading.TryRemove(storageName, out _);

    public bool IsUploading(string storageName) => _uploading.ContainsKey(storageName);

}
