using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace BlazorMood.Data.Music;

/// <summary>What a finished library import calls so that the new tracks get analysed.</summary>
public interface ITrackAnalysisTrigger
{
    /// <summary>Asks for an analysis pass now; never throws for a failure to ask (the next re-check finds the tracks).</summary>
    Task RunNowAsync(CancellationToken cancellationToken);
}

/// <summary>The trigger on a node that does not analyse: its imports wait for the re-check of a node that does.</summary>
internal sealed class NoTrackAnalysisOnThisNode : ITrackAnalysisTrigger
{
    public Task RunNowAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Puts this node's track analysis into the job engine when the host starts: a durable <see cref="TrackAnalysisJob"/>
/// keyed by the node's engine name, with a trigger that repeats every
/// <see cref="MusicPersistenceOptions.AnalysisRecheckInterval"/> (tracks another node imported, claims of dead workers
/// that expired) and, through <see cref="RunNowAsync"/>, a trigger for now after each of this node's imports. With
/// <see cref="MusicPersistenceOptions.AnalyzeInBackground"/> off it removes the node's job instead.
/// </summary>
/// <remarks>
/// On a clustered store (PostgreSQL) the triggers are pinned to this node: every node that analyses runs its own
/// passes, as it would without the engine, and the claims decide who measures which track. The engine lets a pinned
/// trigger fail over while its node is down; <see cref="TrackAnalysisJob"/> then does no analysis but removes the
/// schedule of a node that has left the cluster. On SQLite there is one process, and the jobs of the names it ran
/// under before (a new machine name) are removed at start.
/// </remarks>
public sealed partial class TrackAnalysisSchedule(
    ISchedulerFactory schedulers,
    IOptions<MusicPersistenceOptions> options,
    TimeProvider time,
    ILogger<TrackAnalysisSchedule> logger) : IHostedService, ITrackAnalysisTrigger
{
    // Set once the job is in the engine. An import that ends before (the first one, during start-up) needs no trigger
    // of its own: the repeating trigger fires as soon as the engine starts.
    private volatile Scheduled? _scheduled;

    private sealed record Scheduled(IScheduler Scheduler, JobKey Job, PreferredNode Node);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var node = scheduler.SchedulerInstanceId;
        var key = TrackAnalysisJob.KeyFor(node);
        var clustered = (await scheduler.GetMetadata(cancellationToken)).JobStoreClustered;
        if (!clustered)
        {
            await ForgetOtherNamesAsync(scheduler, key, cancellationToken);
        }
        if (!options.Value.AnalyzeInBackground)
        {
            if (await scheduler.DeleteJob(key, cancellationToken))
            {
                LogUnscheduled(logger, node);
            }
            return;
        }

        var pin = clustered ? PreferredNode.For(node) : PreferredNode.None;
        var job = JobBuilder.Create<TrackAnalysisJob>()
            .WithIdentity(key)
            .StoreDurably()
            .Build();
        var interval = options.Value.AnalysisRecheckInterval;
        var recheck = TriggerBuilder.Create(time)
            .WithIdentity(node + "/recheck", TrackAnalysisJob.Group)
            .ForJob(key)
            .WithExecutionGroup(TrackAnalysisJob.Group)
            .WithPreferredNode(pin)
            .StartNow()
            // Measured from the end of the previous pass, as the interval between two looks; a first firing missed
            // by a slow start fires as soon as it can.
            .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().MeasureIntervalFromCompletion(true)
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
            .Build();
        // Replaced on every start, so a changed interval takes effect and the first pass runs as the engine starts.
        await scheduler.ScheduleJob(job, [recheck], ScheduleJobOptions.Replacing, cancellationToken);
        _scheduled = new Scheduled(scheduler, key, pin);
        LogScheduled(logger, node, interval);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Fires this node's pass now; while one runs, it runs one more pass after it. Several calls before it fires make one pass.</summary>
    public async Task RunNowAsync(CancellationToken cancellationToken)
    {
        if (_scheduled is not { } scheduled)
        {
            return;
        }
        var now = TriggerBuilder.Create(time)
            .WithIdentity(scheduled.Job.Name + "/import", TrackAnalysisJob.Group)
            .ForJob(scheduled.Job)
            .WithExecutionGroup(TrackAnalysisJob.Group)
            .WithPreferredNode(scheduled.Node)
            .StartNow()
            // Held back while a pass runs (the job disallows concurrent runs), however long: it still fires after it.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        try
        {
            // One key per node: a trigger still waiting is kept (that pass will see this import too); one that has
            // already fired, its pass perhaps half way through the list, is replaced by this one.
            await scheduled.Scheduler.ScheduleTrigger(now, TriggerConflict.Keep, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogTriggerFailed(logger, ex);
        }
    }

    /// <summary>Removes the track analysis jobs of other node names: on an unclustered store they are this process's own, from before a rename.</summary>
    private async Task ForgetOtherNamesAsync(IScheduler scheduler, JobKey current, CancellationToken cancellationToken)
    {
        var stale = (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(TrackAnalysisJob.Group), cancellationToken))
            .Where(k => !k.Equals(current))
            .ToList();
        if (stale.Count > 0 && await scheduler.DeleteJobs(stale, cancellationToken) is { Count: > 0 } deleted)
        {
            LogForgotOtherNames(logger, deleted.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Track analysis scheduled on node {Node}: after each import here and every {Interval}")]
    private static partial void LogScheduled(ILogger logger, string node, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Track analysis is off (Data:Music:AnalyzeInBackground); removed the schedule of node {Node}")]
    private static partial void LogUnscheduled(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} track analysis schedules of this database's earlier node names")]
    private static partial void LogForgotOtherNames(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting track analysis after an import failed; the next re-check finds the tracks")]
    private static partial void LogTriggerFailed(ILogger logger, Exception exception);
}
