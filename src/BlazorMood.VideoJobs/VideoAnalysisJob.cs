using BlazorMood.Data.Jobs;
using Quartz;

namespace BlazorMood.VideoJobs;

/// <summary>
/// The engine's job for one uploaded clip; its key is the video job's id in group <see cref="Group"/>. The engine
/// picks the node, keeps one run per job at a time (<see cref="DisallowConcurrentExecutionAttribute"/>), and runs it
/// again on another node if this one dies; <see cref="VideoJobWorker"/> does the work and keeps the row up to date.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class VideoAnalysisJob(VideoJobWorker worker) : IJob
{
    public const string Group = "video";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(context.JobDetail.Key.Name, out var id))
        {
            return;
        }
        await worker.RunAsync(id, context.Recovering, cancellationToken);
    }

    /// <summary>Puts the job for <paramref name="id"/> into the engine (nothing when it is there already).</summary>
    public static Task<bool> ScheduleAsync(JobScheduling scheduling, Guid id, CancellationToken ct) =>
        scheduling.RunNowAsync<VideoAnalysisJob>(Group, id.ToString("D"), ct);
}
