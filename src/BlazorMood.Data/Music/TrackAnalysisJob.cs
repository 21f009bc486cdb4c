using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BlazorMood.Data.Music;

/// <summary>
/// The job engine's job for one node's track analysis: each firing is one pass of <see cref="TrackAnalysisWorker"/>.
/// Every node that analyses has its own job, keyed by its engine node name in group <see cref="Group"/>
/// (<see cref="TrackAnalysisSchedule"/> puts it there), so the nodes analyse side by side and share the tracks through
/// their claims; <see cref="DisallowConcurrentExecutionAttribute"/> keeps one pass per node at a time, and a firing
/// that comes due while a pass runs waits for it and then runs one more pass instead of being dropped.
/// </summary>
[DisallowConcurrentExecution]
[PersistJobDataAfterExecution]
public sealed partial class TrackAnalysisJob(TrackAnalysisWorker worker, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<TrackAnalysisJob> logger) : IJob
{
    /// <summary>The job group and execution group of track analysis (one pass at a time per node).</summary>
    public const string Group = "track-analysis";

    /// <summary>
    /// How long a node's own passes must have stopped before another node removes its job. Far longer than a start-up
    /// or a stall that makes the cluster count a live node as dead for a moment (its job must survive those), short
    /// enough that nodes which never come back (a replaced container's name) do not pile up.
    /// </summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromDays(1);

    /// <summary>Job data: when this job's own node last ran a pass (round-trip format), kept between firings.</summary>
    private const string LastOwnPassKey = "lastOwnPassUtc";

    /// <summary>The job of the node named <paramref name="node"/> (its scheduler instance id).</summary>
    public static JobKey KeyFor(string node) => new(node, Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var owner = context.JobDetail.Key.Name;
        if (!string.Equals(owner, context.Scheduler.SchedulerInstanceId, StringComparison.Ordinal))
        {
            // A firing of another node's schedule, handed here because that node is down (its triggers are pinned to
            // it, with fail-over). The nodes that are up run their own passes; this one only tidies up.
            await ForgetIfGoneAsync(context, cancellationToken);
            return;
        }
        // The engine's token fires on an interrupt; a graceful stop waits for running jobs without interrupting them,
        // so the host's stopping token is watched too. Either way the pass gives its claim back and ends.
        context.JobDetail.JobDataMap[LastOwnPassKey] = time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await worker.AnalyzePendingAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped; whatever is left is found by the next pass, here or on another node.
        }
        catch (Exception ex)
        {
            // The database went away mid-pass. Not rethrown: the engine would count it against the job, while the
            // next firing (import or re-check) simply tries again.
            LogPassFailed(logger, ex);
        }
    }

    /// <summary>
    /// Deletes the job of a node the cluster no longer lists and whose own passes stopped more than
    /// <see cref="AbandonedAfter"/> ago. A node that comes back schedules it again when it starts.
    /// </summary>
    private async Task ForgetIfGoneAsync(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var key = context.JobDetail.Key;
        try
        {
            var lastOwnPass = context.JobDetail.JobDataMap.TryGetString(LastOwnPassKey, out var stored)
                && DateTimeOffset.TryParse(stored, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var parsed)
                    ? parsed
                    : context.Trigger.StartTimeUtc;
            if (lastOwnPass > time.GetUtcNow() - AbandonedAfter)
            {
                return;
            }
            var nodes = await context.Scheduler.QueryClusterNodes(cancellationToken);
            if (nodes.Any(n => string.Equals(n.InstanceId, key.Name, StringComparison.Ordinal)))
            {
                return;
            }
            if (await context.Scheduler.DeleteJob(key, cancellationToken))
            {
                LogForgotNode(logger, key.Name);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Tried again on its next fail-over firing.
            LogForgetFailed(logger, ex, key.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Track analysis pass failed; trying again on the next import or re-check")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the track analysis schedule of node {Node}, which has left the cluster; it schedules it again when it starts")]
    private static partial void LogForgotNode(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the track analysis schedule of node {Node}, which is down, failed")]
    private static partial void LogForgetFailed(ILogger logger, Exception exception, string node);
}
