using BlazorMood.Data.Videos;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorMood.VideoJobs;

/// <summary>What one retention sweep did.</summary>
internal sealed record VideoRetentionSweep(int Recovered, int InputsDeleted, int OutputsDeleted, int JobsDeleted, int OrphansDeleted);

/// <summary>
/// Every <see cref="VideoJobOptions.SweepInterval"/> (and once at start-up): re-queues jobs whose worker stopped
/// renewing its lease, deletes uploads after <see cref="VideoJobOptions.InputRetention"/>, annotated videos after
/// <see cref="VideoJobOptions.OutputRetention"/> (the row is marked, so the API says the video expired), job rows
/// after <see cref="VideoJobOptions.JobRetention"/>, and folders that belong to no job (an upload cut off by a crash).
/// </summary>
internal sealed partial class VideoRetentionSweeper : BackgroundService
{
    private const int Batch = 200;

    // A folder without a row is an upload in progress (in some process) until it has been quiet this long.
    private static readonly TimeSpan OrphanAge = TimeSpan.FromHours(1);

    // An orphan last written before this process started, and quiet at least this long, is an upload a killed process
    // left behind (kill -9, power loss): removed by the first sweep after start-up instead of an hour later. The quiet
    // time keeps a live upload of another node (its file is written continuously) out of it.
    private static readonly TimeSpan StartupOrphanQuiet = TimeSpan.FromSeconds(10);

    private readonly DateTime _startedUtc;

    private readonly VideoJobStore _store;
    private readonly VideoJobRecovery _recovery;
    private readonly VideoJobRuns _runs;
    private readonly VideoStorage _storage;
    private readonly VideoJobNotifier _notifier;
    private readonly VideoJobOptions _options;
    private readonly ILogger<VideoRetentionSweeper> _logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public VideoRetentionSweeper(
        VideoJobStore store,
        VideoJobRecovery recovery,
        VideoJobRuns runs,
        VideoStorage storage,
        VideoJobNotifier notifier,
        IOptions<VideoJobOptions> options,
        ILogger<VideoRetentionSweeper> logger)
    {
        _store = store;
        _recovery = recovery;
        _runs = runs;
        _storage = storage;
        _notifier = notifier;
        _options = options.Value;
        _logger = logger;
        _startedUtc = store.UtcNow;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbUpdateException or DbException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                LogSweepFailed(_logger, e);
            }
            try
            {
                await Task.Delay(_options.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One sweep now (the periodic loop calls this; so can tests and admin tools). Sweeps never overlap.</summary>
    public async Task<VideoRetentionSweep> SweepAsync(CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var now = _store.UtcNow;
            var (requeued, failed) = await _recovery.RecoverAsync(nodePrefix: null, ct);
            var inputs = await DeleteExpiredInputsAsync(now - _options.InputRetention, ct);
            var outputs = await DeleteExpiredOutputsAsync(now - _options.OutputRetention, ct);
            var jobs = _options.JobRetention > TimeSpan.Zero ? await DeleteExpiredJobsAsync(now - _options.JobRetention, ct) : 0;
            var leftByEarlierProcess = _startedUtc < now - StartupOrphanQuiet ? _startedUtc : now - StartupOrphanQuiet;
            var orphans = await DeleteOrphansAsync(leftByEarlierProcess > now - OrphanAge ? leftByEarlierProcess : now - OrphanAge, ct);
            var sweep = new VideoRetentionSweep(requeued + failed, inputs, outputs, jobs, orphans);
            if (sweep != new VideoRetentionSweep(0, 0, 0, 0, 0))
            {
                LogSwept(_logger, sweep.Recovered, inputs, outputs, jobs, orphans);
            }
            return sweep;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<int> DeleteExpiredInputsAsync(DateTime cutoff, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var job in await _store.InputsExpiredAsync(cutoff, Batch, ct))
        {
            if (job.OutputsDeletedUtc is not null ? _storage.DeleteJobFolder(job.StorageName) : _storage.DeleteInput(job.StorageName))
            {
                await _store.MarkInputDeletedAsync(job.Id, ct);
                deleted++;
            }
        }
        return deleted;
    }

    private async Task<int> DeleteExpiredOutputsAsync(DateTime cutoff, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var job in await _store.OutputsExpiredAsync(cutoff, Batch, ct))
        {
            if (job.InputDeletedUtc is not null ? _storage.DeleteJobFolder(job.StorageName) : _storage.DeleteOutputs(job.StorageName))
            {
                await _store.MarkOutputsDeletedAsync(job.Id, ct);
                deleted++;
                // A page showing the job hides its player now.
                if (await _store.FindAsync(job.Id, ct) is { } now)
                {
                    _notifier.Publish(now.OwnerId, VideoJobMapping.ToDto(now, _options.OutputRetention));
                }
            }
        }
        return deleted;
    }

    private async Task<int> DeleteExpiredJobsAsync(DateTime cutoff, CancellationToken ct)
    {
        var deleted = 0;
        foreach (var job in await _store.JobsExpiredAsync(cutoff, Batch, ct))
        {
            if (_storage.DeleteJobFolder(job.StorageName) && await _store.DeleteRowAsync(job.Id, ct))
            {
                deleted++;
            }
        }
        return deleted;
    }

    private async Task<int> DeleteOrphansAsync(DateTime quietSince, CancellationToken ct)
    {
        var candidates = _storage.EnumerateJobFolders()
            .Where(f => f.LastWriteUtc <= quietSince && !_runs.IsUploading(f.StorageName))
            .Select(f => f.StorageName)
            .Take(Batch)
            .ToArray();
        if (candidates.Length == 0)
        {
            return 0;
        }
        var known = await _store.KnownStorageNamesAsync(candidates, ct);
        var deleted = 0;
        foreach (var name in candidates.Where(n => !known.Contains(n)))
        {
            if (_storage.DeleteJobFolder(name))
            {
                deleted++;
            }
        }
        return deleted;
    }

    public override void Dispose()
    {
        _oneAtATime.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Video retention: {Recovered} abandoned job(s) recovered, {Inputs} upload(s), {Outputs} annotated video(s), {Jobs} job(s) and {Orphans} stray folder(s) deleted")]
    private static partial void LogSwept(ILogger logger, int recovered, int inputs, int outputs, int jobs, int orphans);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video retention sweep failed; it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
