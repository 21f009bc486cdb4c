using Microsoft.Extensions.Options;
using BlazorMood.Data.Jobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.VideoJobs;

/// <summary>
/// Finds running jobs that nobody runs any more — the process stopped (crash, kill, power) or a worker elsewhere
/// stopped renewing its lease — and re-queues them, or fails them once they have been started
/// <see cref="VideoJobOptions.MaxAttempts"/> times (a clip that crashes the server every time must not do so for ever).
/// </summary>
internal sealed partial class VideoJobRecovery(
    VideoJobStore store,
    VideoJobRuns runs,
    VideoStorage storage,
    VideoJobNotifier notifier,
    JobScheduling scheduling,
    IOptions<VideoJobOptions> options,
    ILogger<VideoJobRecovery> logger)
{
    /// <param name="nodePrefix">At start-up, the worker-id prefix of this node: its previous process's jobs are taken back at once.</param>
    /// <returns>Jobs re-queued and jobs failed.</returns>
    public async Task<(int Requeued, int Failed)> RecoverAsync(string? nodePrefix, CancellationToken ct)
    {
        var o = options.Value;
        var requeued = 0;
        var failed = 0;
        foreach (var job in await store.FindAbandonedAsync(nodePrefix, ct))
        {
            if (runs.IsRunning(job.Id))
            {
                continue; // ours, alive; its heartbeat is only late
            }
            // Whatever a killed run left in the output folder (the encoder's hidden temp file) is of no use.
            if (job.Attempts >= o.MaxAttempts)
            {
                if (await GiveUpAsync(job, ct))
                {
                    failed++;
                }
            }
            else if (await store.RequeueAbandonedAsync(job, ct))
            {
                storage.DeleteOutputs(job.StorageName);
                requeued++;
                LogRequeued(logger, job.Id, job.Attempts, job.WorkerId);
                await VideoAnalysisJob.ScheduleAsync(scheduling, job.Id, ct);
                await PublishAsync(job, ct);
            }
        }
        return (requeued, failed);
    }

    /// <summary>Fails a job whose runs were interrupted <see cref="VideoJobOptions.MaxAttempts"/> times; false when its holder came back meanwhile.</summary>
    public async Task<bool> GiveUpAsync(Data.Videos.VideoJobRecord job, CancellationToken ct)
    {
        var o = options.Value;
        var message = $"The analysis was interrupted {job.Attempts} times (the server stopped while it ran), so it was given up. Try a shorter clip.";
        var deleteInput = o.InputRetention <= TimeSpan.Zero;
        if (!await store.FailAbandonedAsync(job, "interrupted", message, deleteInput, ct))
        {
            return false;
        }
        // Whatever a killed run left in the output folder (the encoder's hidden temp file) is of no use.
        storage.DeleteOutputs(job.StorageName);
        if (deleteInput)
        {
            storage.DeleteInput(job.StorageName);
        }
        LogGivenUp(logger, job.Id, job.Attempts, job.WorkerId);
        await PublishAsync(job, ct);
        return true;
    }

    private async Task PublishAsync(Data.Videos.VideoJobRecord job, CancellationToken ct)
    {
        if (await store.FindAsync(job.Id, ct) is { } now)
        {
            notifier.Publish(now.OwnerId, VideoJobMapping.ToDto(now, options.Value.OutputRetention));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video job {JobId} was left running by {WorkerId} after {Attempts} attempt(s); re-queued")]
    private static partial void LogRequeued(ILogger logger, Guid jobId, int attempts, string? workerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Video job {JobId} was interrupted {Attempts} times (last worker {WorkerId}); failed")]
    private static partial void LogGivenUp(ILogger logger, Guid jobId, int attempts, string? workerId);
}
