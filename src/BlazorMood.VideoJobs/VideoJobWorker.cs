using System.Diagnostics;
using ActivityKind = BlazorMood.Video.ActivityKind;
using System.Globalization;
using BlazorMood.Data.Videos;
using BlazorMood.Video;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using BlazorMood.Diagnostics;
using BlazorMood.Music.Context;
using BlazorMood.Data.Jobs;
using Quartz;

namespace BlazorMood.VideoJobs;

/// <summary>
/// Runs the jobs the engine fires (<see cref="VideoAnalysisJob"/>, at most <see cref="VideoJobOptions.MaxConcurrentJobs"/>
/// at a time on this node) through <see cref="ActivityPipeline"/>. A run marks the row as its own with one conditional
/// UPDATE (state, worker id, lease), saves progress and renews the lease every heartbeat, and writes the outcome with a
/// statement that only succeeds while the job is still its own. Before the host starts serving, jobs that a previous
/// process of this node left running are re-queued (or failed after too many attempts) and every queued job is handed
/// to the engine; on a graceful stop the running job goes back to the queue and to the engine.
/// </summary>
internal sealed partial class VideoJobWorker : BackgroundService
{
    private readonly VideoJobStore _store;
    private readonly VideoJobRuns _runs;
    private readonly VideoJobRecovery _recovery;
    private readonly VideoStorage _storage;
    private readonly VideoJobNotifier _notifier;
    private readonly ActivityPipeline _pipeline;
    private readonly RecommendationContextReporter _recommendations;
    private readonly VideoJobOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<VideoJobWorker> _logger;
    private readonly VideoJobMetrics _metrics;
    private readonly JobScheduling _scheduling;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly string _nodePrefix;
    private readonly string _workerPrefix;

    public VideoJobWorker(
        VideoJobStore store,
        VideoJobRuns runs,
        VideoJobRecovery recovery,
        VideoStorage storage,
        VideoJobNotifier notifier,
        ActivityPipeline pipeline,
        RecommendationContextReporter recommendations,
        IOptions<VideoJobOptions> options,
        TimeProvider clock,
        ILogger<VideoJobWorker> logger,
        VideoJobMetrics metrics,
        JobScheduling scheduling,
        IHostApplicationLifetime lifetime)
    {
        _scheduling = scheduling;
        _lifetime = lifetime;
        _metrics = metrics;
        _store = store;
        _runs = runs;
        _recovery = recovery;
        _storage = storage;
        _notifier = notifier;
        _pipeline = pipeline;
        _recommendations = recommendations;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _nodePrefix = NodeName(_options) + "/";
        // Node, process and a random part: a restarted process never reuses the id of its predecessor.
        _workerPrefix = string.Create(CultureInfo.InvariantCulture, $"{_nodePrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    /// <summary>The node part of worker ids: <see cref="VideoJobOptions.NodeName"/>, else the machine name.</summary>
    public static string NodeName(VideoJobOptions options)
    {
        var name = string.IsNullOrWhiteSpace(options.NodeName) ? Environment.MachineName : options.NodeName.Trim();
        return name.Length > 64 ? name[..64] : name;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the host serves requests (and after the database and job engine initializers, registered earlier):
        // no job looks "running" that nothing runs, and none is lost.
        var (requeued, failed) = await _recovery.RecoverAsync(_nodePrefix, cancellationToken);
        if (requeued + failed > 0)
        {
            LogRecovered(_logger, requeued, failed);
        }
        // A queued row the engine does not know (the node stopped between the insert and the scheduling, or put the
        // job back while stopping) is handed to it now; one it knows is left as it is.
        var scheduled = 0;
        foreach (var id in await _store.QueuedIdsAsync(_options.MaxQueuedJobs * 2, cancellationToken))
        {
            if (await VideoAnalysisJob.ScheduleAsync(_scheduling, id, cancellationToken))
            {
                scheduled++;
            }
        }
        if (scheduled > 0)
        {
            LogHandedToEngine(_logger, scheduled);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Says how many jobs this node takes at once, so an operator (and the multi-node test) can see the setting arrived.
        LogRunning(_logger, _workerPrefix, _options.MaxConcurrentJobs);
        return Task.CompletedTask;
    }

    /// <summary>One run of job <paramref name="id"/>, fired by the engine; <paramref name="recovering"/> when the node that ran it before died.</summary>
    public async Task RunAsync(Guid id, bool recovering, CancellationToken engineToken)
    {
        var stoppingToken = _lifetime.ApplicationStopping;
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        var workerId = $"{_workerPrefix}/{id.ToString("N")[..8]}";
        VideoJobRecord? job;
        try
        {
            if (recovering && await _store.FindAsync(id, stoppingToken) is { State: VideoJobState.Running } left && left.WorkerId != null
                && !_runs.IsRunning(id) && left.Attempts >= _options.MaxAttempts)
            {
                // Interrupted by node deaths this often: the clip is taken as the cause.
                await _recovery.GiveUpAsync(left, stoppingToken);
                return;
            }
            job = await _store.TryStartAsync(id, workerId, _options.LeaseDuration, recovering, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException)
        {
            // The engine fires the job again only on a node death; the sweep's lease check covers the rest.
            LogClaimFailed(_logger, e);
            return;
        }
        if (job is null)
        {
            return; // finished, cancelled, deleted, or held by a live run meanwhile
        }
        using var engineStop = engineToken.Register(() => _runs.Stop(id, RunStopReason.None));
        await RunJobAsync(job, workerId, stoppingToken);
    }

    private abstract record Outcome;

    private sealed record Succeeded(VideoAnalysis Analysis) : Outcome;

    private sealed record Failed(string Code, string Message) : Outcome;

    private sealed record Stopped(RunStopReason Reason, bool Shutdown) : Outcome;

    private async Task RunJobAsync(VideoJobRecord job, string workerId, CancellationToken stoppingToken)
    {
        // The run's span: everything logged inside it (here, in the pipeline, in ffmpeg's wrapper) carries the job id.
        using var span = BlazorMoodTracing.StartVideoJob(job.Id.ToString("D", CultureInfo.InvariantCulture));
        using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var run = _runs.Register(job.Id, runCancellation);
        try
        {
            var started = VideoJobMapping.ToDto(job, _options.OutputRetention);
            var progress = new JobProgress(job.OwnerId, started, _notifier);
            _notifier.Publish(job.OwnerId, started);
            LogStarted(_logger, job.Id, job.Attempts, workerId);
            var clock = Stopwatch.StartNew();

            Outcome outcome;
            using (var heartbeatStop = new CancellationTokenSource())
            {
                var heartbeat = HeartbeatAsync(job.Id, workerId, progress, run, heartbeatStop.Token);
                outcome = await AnalyseAsync(job, progress, run, runCancellation.Token, stoppingToken);
                await heartbeatStop.CancelAsync();
                await heartbeat;
            }
            // The outcome is written even while the host stops: a finished analysis must not be lost to a shutdown.
            await FinishAsync(job, workerId, outcome, clock.Elapsed, CancellationToken.None);
            _metrics.JobFinished(
                outcome switch
                {
                    Succeeded => "succeeded",
                    Failed => "failed",
                    Stopped { Shutdown: true } => "requeued",
                    _ => "cancelled",
                },
                clock.Elapsed,
                (outcome as Failed)?.Code);
        }
        catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException or IOException)
        {
            // The database refused the outcome: the row stays running and the lease check re-queues it later.
            LogFinishFailed(_logger, e, job.Id);
        }
        finally
        {
            _runs.Unregister(run);
            run.Done.TrySetResult();
        }
    }

    private async Task<Outcome> AnalyseAsync(VideoJobRecord job, JobProgress progress, RunningJob run, CancellationToken runToken, CancellationToken stoppingToken)
    {
        try
        {
            var input = _storage.InputPath(job.StorageName);
            if (!File.Exists(input))
            {
                throw new VideoProcessingException(VideoError.NotFound, "The uploaded video is no longer on the server; upload it again.", input);
            }
            return new Succeeded(await _pipeline.RunAsync(input, _storage.OutputFolder(job.StorageName), progress, runToken));
        }
        catch (Exception) when (runToken.IsCancellationRequested)
        {
            // Whatever a cancelled run throws (OperationCanceledException, a broken pipe of a killed ffmpeg) means "stopped".
            if (run.Reason == RunStopReason.None && !stoppingToken.IsCancellationRequested)
            {
                // Interrupted through the engine (a cancel or delete on another node): the row says which.
                var row = await _store.FindAsync(job.Id, CancellationToken.None);
                return new Stopped(row is null ? RunStopReason.Deleted : row.CancelRequested ? RunStopReason.CancelRequested : RunStopReason.LeaseLost, Shutdown: false);
            }
            return new Stopped(run.Reason, Shutdown: run.Reason == RunStopReason.None && stoppingToken.IsCancellationRequested);
        }
        catch (VideoProcessingException e)
        {
            LogRejected(_logger, job.Id, e.Error, e.Message, e.Detail);
            return new Failed(VideoJobMapping.ErrorCode(e.Error), e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogCrashed(_logger, e, job.Id);
            return new Failed("internal", "The analysis failed unexpectedly. Try again; if it fails again, the clip may be unusual (try another format or a shorter clip).");
        }
    }

    private async Task FinishAsync(VideoJobRecord job, string workerId, Outcome outcome, TimeSpan elapsed, CancellationToken ct)
    {
        var deleteInput = _options.InputRetention <= TimeSpan.Zero;
        switch (outcome)
        {
            case Succeeded { Analysis: var analysis }:
                var result = new JobResult(
                    Math.Round(analysis.Probe.Duration.TotalSeconds, 3),
                    analysis.Probe.DisplaySize.Width,
                    analysis.Probe.DisplaySize.Height,
                    analysis.Activity.CadenceSpm is { } cadence ? Math.Round(cadence, 1) : null,
                    VideoJobMapping.Serialize(analysis.Activity.Segments.Select(VideoJobMapping.ToSegment).ToArray()),
                    VideoJobMapping.Serialize(analysis.Activity.Activities.Select(a => a.Label()).ToArray()),
                    File.Exists(analysis.AnnotatedVideoPath),
                    VideoJobMapping.Serialize(analysis.Activity.Falls.Select(t => Math.Round(t, 2)).ToArray()));
                if (await _store.CompleteAsync(job.Id, workerId, result, deleteInput, ct))
                {
                    if (deleteInput)
                    {
                        _storage.DeleteInput(job.StorageName);
                    }
                    LogSucceeded(_logger, job.Id, elapsed.TotalSeconds, analysis.Probe.Duration.TotalSeconds, string.Join(", ", analysis.Activity.Activities.Select(a => a.Label())));
                    ReportToRecommender(job.OwnerId, analysis.Activity);
                    await PublishAsync(job.Id, ct);
                }
                else
                {
                    // A cancel arrived after the pipeline's last check: the user's wish wins over the finished work.
                    await StopAsync(job, workerId, RunStopReason.CancelRequested, ct);
                }
                break;
            case Failed failed:
                if (await _store.FailAsync(job.Id, workerId, failed.Code, failed.Message, deleteInput, ct))
                {
                    _storage.DeleteOutputs(job.StorageName);
                    if (deleteInput)
                    {
                        _storage.DeleteInput(job.StorageName);
                    }
                    await PublishAsync(job.Id, ct);
                }
                else
                {
                    await StopAsync(job, workerId, RunStopReason.CancelRequested, ct);
                }
                break;
            case Stopped { Shutdown: true }:
                if (await _store.RequeueAsync(job.Id, workerId, ct))
                {
                    _storage.DeleteOutputs(job.StorageName);
                    LogRequeuedOnShutdown(_logger, job.Id);
                    await HandBackAsync(job.Id);
                }
                _notifier.Forget(job.Id);
                break;
            case Stopped stopped:
                await StopAsync(job, workerId, stopped.Reason, ct);
                break;
        }
    }

    /// <summary>Settles a run that was stopped, or whose outcome could not be written because the job changed under it.</summary>
    private async Task StopAsync(VideoJobRecord job, string workerId, RunStopReason reason, CancellationToken ct)
    {
        if (reason != RunStopReason.Deleted && await _store.MarkCancelledAsync(job.Id, workerId, ct))
        {
            _storage.DeleteJobFolder(job.StorageName);
            LogCancelled(_logger, job.Id);
            await PublishAsync(job.Id, ct);
            return;
        }
        _notifier.Forget(job.Id);
        if (await _store.FindAsync(job.Id, ct) is null)
        {
            // Deleted while it ran: the delete removed the row, the files are ours to remove.
            _storage.DeleteJobFolder(job.StorageName);
            return;
        }
        // Another worker took the job over (our lease ran out): its files are now that worker's.
        LogLeaseLost(_logger, job.Id, workerId);
    }

    /// <summary>Saves progress and renews the lease; stops the run when the row says it is no longer ours to run.</summary>
    private async Task HeartbeatAsync(Guid id, string workerId, JobProgress progress, RunningJob run, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var latest = progress.Latest;
                    var snapshot = new JobProgressSnapshot(latest.Progress, latest.Stage, VideoJobMapping.Serialize(latest.Stages), latest.EtaSeconds);
                    if (await _store.HeartbeatAsync(id, workerId, snapshot, _options.LeaseDuration, stop))
                    {
                        continue;
                    }
                    var row = await _store.FindAsync(id, stop);
                    run.Stop(row is null ? RunStopReason.Deleted
                        : row.CancelRequested && row.WorkerId == workerId ? RunStopReason.CancelRequested
                        : RunStopReason.LeaseLost);
                    return;
                }
                catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException)
                {
                    // A busy database delays one heartbeat; the lease is long enough to survive a few.
                    LogHeartbeatFailed(_logger, e, id);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Feeds the clip's activity to the recommender. The recommender keeps the most recently reported activity as what
    /// the listener is doing now, and the end of the clip is the closest a clip gets to "now": so the last recognised
    /// (not unknown) segment is reported, not the clip's dominant activity — a clip that starts walking and ends
    /// running asks for running music. Lying is reported as "sleeping", the name of its playlist (the pipeline's
    /// lying is lying and still). Nothing recognised leaves the listener's context as it was.
    /// </summary>
    private void ReportToRecommender(string ownerId, ActivityResult activity)
    {
        var last = activity.Segments.LastOrDefault(s => s.Activity != ActivityKind.Unknown);
        if (last is null)
        {
            return;
        }
        var label = last.Activity == ActivityKind.Lying ? "sleeping" : last.Label;
        var cadence = last.CadenceSpm ?? (last.Activity is ActivityKind.Walking or ActivityKind.Running ? activity.CadenceSpm : null);
        _recommendations.ReportActivity(ownerId, label, last.Confidence, cadence, _clock.GetUtcNow());
    }

    /// <summary>Gives a job put back while stopping to the engine again, for another node (or this one after its restart).</summary>
    private async Task HandBackAsync(Guid id)
    {
        try
        {
            await VideoAnalysisJob.ScheduleAsync(_scheduling, id, CancellationToken.None);
        }
        catch (Exception e) when (e is SchedulerException or DbException or InvalidOperationException)
        {
            // The engine is already shut down: the next start-up of a worker hands every queued job to it.
            LogHandBackFailed(_logger, e, id);
        }
    }

    private async Task PublishAsync(Guid id, CancellationToken ct)
    {
        if (await _store.FindAsync(id, ct) is { } job)
        {
            _notifier.Publish(job.OwnerId, VideoJobMapping.ToDto(job, _options.OutputRetention));
        }
    }

    /// <summary>Pipeline progress as the job's DTO: kept for the heartbeat and pushed to the owner's subscribers (throttled by the notifier).</summary>
    private sealed class JobProgress(string ownerId, VideoJobDto started, VideoJobNotifier notifier) : IProgress<PipelineProgress>
    {
        private VideoJobDto _latest = started with { Stage = VideoJobMapping.StageName(PipelineStage.Probing) };

        public VideoJobDto Latest => Volatile.Read(ref _latest);

        public void Report(PipelineProgress value)
        {
            var dto = Latest with
            {
                Progress = Math.Round(Math.Clamp(value.Fraction, 0, 1), 4),
                Stage = VideoJobMapping.StageName(value.Stage == PipelineStage.Completed ? PipelineStage.Encoding : value.Stage),
                Stages = VideoJobMapping.ToStages(value),
                EtaSeconds = value.Eta is { } eta ? Math.Round(eta.TotalSeconds, 1) : null,
            };
            Volatile.Write(ref _latest, dto);
            notifier.Publish(ownerId, dto);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Start-up recovery: {Requeued} video job(s) re-queued, {Failed} failed after too many attempts")]
    private static partial void LogRecovered(ILogger logger, int requeued, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Start-up: {Count} queued video job(s) handed to the job engine")]
    private static partial void LogHandedToEngine(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video job {JobId} could not be handed back to the job engine while stopping")]
    private static partial void LogHandBackFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job worker {WorkerPrefix} runs up to {Slots} job(s) at once")]
    private static partial void LogRunning(ILogger logger, string workerPrefix, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} started (attempt {Attempt}) by {WorkerId}")]
    private static partial void LogStarted(ILogger logger, Guid jobId, int attempt, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} succeeded in {Seconds:F1} s for a {ClipSeconds:F1} s clip: {Activities}")]
    private static partial void LogSucceeded(ILogger logger, Guid jobId, double seconds, double clipSeconds, string activities);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} rejected the clip: {Error} {Message} ({Detail})")]
    private static partial void LogRejected(ILogger logger, Guid jobId, VideoError error, string message, string? detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Video job {JobId} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} cancelled")]
    private static partial void LogCancelled(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} put back in the queue: the host is stopping")]
    private static partial void LogRequeuedOnShutdown(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video job {JobId} is no longer held by {WorkerId} (lease expired and taken over)")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId, string workerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting a video job failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat of video job {JobId} failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing the outcome of video job {JobId} failed; the lease check will re-queue it")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, Guid jobId);
}
