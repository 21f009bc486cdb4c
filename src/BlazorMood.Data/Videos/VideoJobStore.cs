using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace BlazorMood.Data.Videos;

/// <summary>Progress of a running job as saved with each heartbeat.</summary>
public sealed record JobProgressSnapshot(double Progress, string? Stage, string? StagesJson, double? EtaSeconds);

/// <summary>Results of a successful run, written with the state change in one statement.</summary>
public sealed record JobResult(double DurationSeconds, int Width, int Height, double? CadenceSpm, string SegmentsJson, string ActivitiesJson, bool HasAnnotatedVideo, string? FallsJson = null);

/// <summary>
/// Every read and write of <see cref="VideoJobRecord"/> rows. The job engine decides which node runs a job; the row
/// says which run holds it. State changes are single conditional UPDATEs (state, worker, lease in the WHERE clause),
/// so a run and a cancel, a run and a delete, or a stale run and the run that replaced it can race without both
/// winning: whoever changes zero rows lost and leaves the job alone.
/// </summary>
public sealed class VideoJobStore(IDbContextFactory<BlazorMoodDbContext> contexts, TimeProvider clock)
{
    public DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    public async Task AddAsync(VideoJobRecord job, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.VideoJobs.Add(job);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Inserts <paramref name="job"/> only while its owner has fewer than <paramref name="maxActive"/> queued or running
    /// jobs, the count and the insert in one transaction that no other insert of the same owner can interleave with:
    /// PostgreSQL takes a transaction-scoped advisory lock on the owner (other nodes included), SQLite's transaction
    /// is BEGIN IMMEDIATE (one writer at a time). False when the owner is at the cap.
    /// </summary>
    public async Task<bool> TryAddWithinOwnerCapAsync(VideoJobRecord job, int maxActive, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
            if (db.Database.ProviderName == BlazorMoodDbContext.PostgresProviderName)
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({"video-owner:" + job.OwnerId}))", ct);
            }
            var active = await db.VideoJobs.CountAsync(j => j.OwnerId == job.OwnerId && (j.State == VideoJobState.Queued || j.State == VideoJobState.Running), ct);
            if (active >= maxActive)
            {
                await transaction.RollbackAsync(ct);
                return false;
            }
            db.VideoJobs.Add(job);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        });
    }

    public async Task<VideoJobRecord?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
    }

    public async Task<VideoJobRecord?> FindAsync(string ownerId, Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.OwnerId == ownerId, ct);
    }

    public async Task<List<VideoJobRecord>> ListAsync(string ownerId, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs.AsNoTracking()
            .Where(j => j.OwnerId == ownerId)
            .OrderByDescending(j => j.CreatedUtc)
            .Take(max)
            .ToListAsync(ct);
    }

    public async Task<int> CountActiveAsync(string ownerId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs.CountAsync(j => j.OwnerId == ownerId && (j.State == VideoJobState.Queued || j.State == VideoJobState.Running), ct);
    }

    public async Task<int> CountQueuedAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs.CountAsync(j => j.State == VideoJobState.Queued, ct);
    }

    /// <summary>Ids of the queued jobs, oldest first (the engine is told about each at start-up, in case it was not).</summary>
    public async Task<List<Guid>> QueuedIdsAsync(int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs.AsNoTracking()
            .Where(j => j.State == VideoJobState.Queued)
            .OrderBy(j => j.CreatedUtc)
            .Select(j => j.Id)
            .Take(max)
            .ToListAsync(ct);
    }

    /// <summary>
    /// Marks job <paramref name="id"/> as run by <paramref name="workerId"/> (state, holder, lease and attempt count in
    /// one conditional UPDATE) when the engine fired it: a queued job, or, when the engine re-runs the job of a node it
    /// found dead (<paramref name="recovering"/>) or its holder's lease has passed, a running one. Null when the job is
    /// gone, finished, cancelled, or still held by a live run.
    /// </summary>
    public async Task<VideoJobRecord?> TryStartAsync(Guid id, string workerId, TimeSpan lease, bool recovering, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        var started = await db.VideoJobs
            .Where(j => j.Id == id && !j.CancelRequested
                && (j.State == VideoJobState.Queued
                    || (j.State == VideoJobState.Running && (recovering || j.LeaseExpiresUtc == null || j.LeaseExpiresUtc < now))))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, VideoJobState.Running)
                .SetProperty(j => j.WorkerId, workerId)
                .SetProperty(j => j.LeaseExpiresUtc, now + lease)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.StartedUtc, now)
                .SetProperty(j => j.HeartbeatUtc, now)
                .SetProperty(j => j.Progress, 0.0)
                .SetProperty(j => j.Stage, (string?)null)
                .SetProperty(j => j.StagesJson, (string?)null)
                .SetProperty(j => j.EtaSeconds, (double?)null), ct);
        return started == 1 ? await db.VideoJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct) : null;
    }

    /// <summary>Saves progress and renews the lease; false when the job is no longer this worker's to run (cancel requested, deleted, taken over).</summary>
    public async Task<bool> HeartbeatAsync(Guid id, string workerId, JobProgressSnapshot progress, TimeSpan lease, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        return await Owned(db, id, workerId)
            .Where(j => !j.CancelRequested)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.HeartbeatUtc, now)
                .SetProperty(j => j.LeaseExpiresUtc, now + lease)
                .SetProperty(j => j.Progress, progress.Progress)
                .SetProperty(j => j.Stage, progress.Stage)
                .SetProperty(j => j.StagesJson, progress.StagesJson)
                .SetProperty(j => j.EtaSeconds, progress.EtaSeconds), ct) == 1;
    }

    /// <summary>Records a successful run unless a cancel was requested meanwhile (then false, and the caller cancels it).</summary>
    public async Task<bool> CompleteAsync(Guid id, string workerId, JobResult result, bool inputDeleted, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        return await Owned(db, id, workerId)
            .Where(j => !j.CancelRequested)
            .ExecuteUpdateAsync(s =>
            {
                Finished(s, VideoJobState.Succeeded, now);
                s.SetProperty(j => j.Progress, 1.0)
                    .SetProperty(j => j.DurationSeconds, result.DurationSeconds)
                    .SetProperty(j => j.Width, result.Width)
                    .SetProperty(j => j.Height, result.Height)
                    .SetProperty(j => j.CadenceSpm, result.CadenceSpm)
                    .SetProperty(j => j.SegmentsJson, result.SegmentsJson)
                    .SetProperty(j => j.FallsJson, result.FallsJson)
                    .SetProperty(j => j.ActivitiesJson, result.ActivitiesJson)
                    .SetProperty(j => j.HasAnnotatedVideo, result.HasAnnotatedVideo);
                if (inputDeleted)
                {
                    s.SetProperty(j => j.InputDeletedUtc, now);
                }
            }, ct) == 1;
    }

    /// <summary>Records a failed run (its outputs are removed by the caller, so they are marked deleted).</summary>
    public async Task<bool> FailAsync(Guid id, string workerId, string errorCode, string message, bool inputDeleted, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        return await Owned(db, id, workerId).ExecuteUpdateAsync(s =>
        {
            Failed(s, errorCode, message, inputDeleted, now);
        }, ct) == 1;
    }

    /// <summary>Records a run stopped by a cancel; its whole folder is removed by the caller.</summary>
    public async Task<bool> MarkCancelledAsync(Guid id, string workerId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        return await Owned(db, id, workerId).ExecuteUpdateAsync(s =>
        {
            Finished(s, VideoJobState.Cancelled, now);
            s.SetProperty(j => j.InputDeletedUtc, now).SetProperty(j => j.OutputsDeletedUtc, now);
        }, ct) == 1;
    }

    /// <summary>
    /// Puts a job this worker was running back in the queue (graceful shutdown). The attempt is given back: stopping the
    /// server is not the clip's fault, and only crashes should count towards the attempt limit.
    /// </summary>
    public async Task<bool> RequeueAsync(Guid id, string workerId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Owned(db, id, workerId).ExecuteUpdateAsync(s =>
        {
            Requeued(s);
            s.SetProperty(j => j.Attempts, j => j.Attempts > 0 ? j.Attempts - 1 : 0);
        }, ct) == 1;
    }

    /// <summary>
    /// Running jobs nobody is running any more: those of a previous process of this node (<paramref name="nodePrefix"/>;
    /// null skips that test), without a worker, or whose lease ran out.
    /// </summary>
    public async Task<List<VideoJobRecord>> FindAbandonedAsync(string? nodePrefix, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        var running = db.VideoJobs.AsNoTracking().Where(j => j.State == VideoJobState.Running);
        return nodePrefix is null
            ? await running.Where(j => j.WorkerId == null || j.LeaseExpiresUtc == null || j.LeaseExpiresUtc < now).ToListAsync(ct)
            : await running.Where(j => j.WorkerId == null || j.LeaseExpiresUtc == null || j.LeaseExpiresUtc < now || j.WorkerId.StartsWith(nodePrefix)).ToListAsync(ct);
    }

    /// <summary>Re-queues an abandoned job, unless its worker came back meanwhile (the worker id is part of the condition).</summary>
    public async Task<bool> RequeueAbandonedAsync(VideoJobRecord job, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await Abandoned(db, job).ExecuteUpdateAsync(s => Requeued(s), ct) == 1;
    }

    public async Task<bool> FailAbandonedAsync(VideoJobRecord job, string errorCode, string message, bool inputDeleted, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        return await Abandoned(db, job).ExecuteUpdateAsync(s => Failed(s, errorCode, message, inputDeleted, now), ct) == 1;
    }

    /// <summary>Cancels a job that no worker has started; false when it is not (or no longer) queued.</summary>
    public async Task<bool> CancelQueuedAsync(string ownerId, Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        return await db.VideoJobs
            .Where(j => j.Id == id && j.OwnerId == ownerId && j.State == VideoJobState.Queued)
            .ExecuteUpdateAsync(s =>
            {
                Finished(s, VideoJobState.Cancelled, now);
                s.SetProperty(j => j.CancelRequested, true)
                    .SetProperty(j => j.InputDeletedUtc, now)
                    .SetProperty(j => j.OutputsDeletedUtc, now);
            }, ct) == 1;
    }

    /// <summary>Flags a running job for cancellation; its worker stops it at once (same process) or at its next heartbeat.</summary>
    public async Task<bool> RequestCancelAsync(string ownerId, Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs
            .Where(j => j.Id == id && j.OwnerId == ownerId && j.State == VideoJobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct) == 1;
    }

    /// <summary>Deletes the owner's job row; returns its storage name, or null when there was no such job.</summary>
    public async Task<string?> DeleteAsync(string ownerId, Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var storage = await db.VideoJobs.Where(j => j.Id == id && j.OwnerId == ownerId).Select(j => j.StorageName).FirstOrDefaultAsync(ct);
        if (storage is null)
        {
            return null;
        }
        return await db.VideoJobs.Where(j => j.Id == id && j.OwnerId == ownerId).ExecuteDeleteAsync(ct) == 1 ? storage : null;
    }

    /// <summary>Finished jobs whose input is still on disk and finished at or before <paramref name="cutoff"/>.</summary>
    public async Task<List<VideoJobRecord>> InputsExpiredAsync(DateTime cutoff, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await FinishedBefore(db, cutoff).Where(j => j.InputDeletedUtc == null).Take(max).ToListAsync(ct);
    }

    /// <summary>Finished jobs whose outputs are still on disk and finished at or before <paramref name="cutoff"/>.</summary>
    public async Task<List<VideoJobRecord>> OutputsExpiredAsync(DateTime cutoff, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await FinishedBefore(db, cutoff).Where(j => j.OutputsDeletedUtc == null).Take(max).ToListAsync(ct);
    }

    /// <summary>Finished jobs at or before <paramref name="cutoff"/> (rows past the job retention).</summary>
    public async Task<List<VideoJobRecord>> JobsExpiredAsync(DateTime cutoff, int max, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await FinishedBefore(db, cutoff).Take(max).ToListAsync(ct);
    }

    public async Task MarkInputDeletedAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        await db.VideoJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.InputDeletedUtc, now), ct);
    }

    public async Task MarkOutputsDeletedAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = UtcNow;
        await db.VideoJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s.SetProperty(j => j.OutputsDeletedUtc, now), ct);
    }

    public async Task<bool> DeleteRowAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.VideoJobs.Where(j => j.Id == id).ExecuteDeleteAsync(ct) == 1;
    }

    /// <summary>Which of <paramref name="storageNames"/> belong to a job row.</summary>
    public async Task<HashSet<string>> KnownStorageNamesAsync(IReadOnlyCollection<string> storageNames, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var known = await db.VideoJobs.Where(j => storageNames.Contains(j.StorageName)).Select(j => j.StorageName).ToListAsync(ct);
        return known.ToHashSet(StringComparer.Ordinal);
    }

    private static IQueryable<VideoJobRecord> Owned(BlazorMoodDbContext db, Guid id, string workerId) =>
        db.VideoJobs.Where(j => j.Id == id && j.WorkerId == workerId && j.State == VideoJobState.Running);

    private static IQueryable<VideoJobRecord> Abandoned(BlazorMoodDbContext db, VideoJobRecord job)
    {
        var workerId = job.WorkerId;
        var lease = job.LeaseExpiresUtc;
        return db.VideoJobs.Where(j => j.Id == job.Id && j.State == VideoJobState.Running && j.WorkerId == workerId && j.LeaseExpiresUtc == lease);
    }

    private static IQueryable<VideoJobRecord> FinishedBefore(BlazorMoodDbContext db, DateTime cutoff) =>
        db.VideoJobs.AsNoTracking()
            .Where(j => (j.State == VideoJobState.Succeeded || j.State == VideoJobState.Failed || j.State == VideoJobState.Cancelled)
                && j.FinishedUtc != null && j.FinishedUtc <= cutoff)
            .OrderBy(j => j.FinishedUtc);

    private static void Finished(UpdateSettersBuilder<VideoJobRecord> s, VideoJobState state, DateTime now) => s
        .SetProperty(j => j.State, state)
        .SetProperty(j => j.FinishedUtc, now)
        .SetProperty(j => j.WorkerId, (string?)null)
        .SetProperty(j => j.LeaseExpiresUtc, (DateTime?)null)
        .SetProperty(j => j.Stage, (string?)null)
        .SetProperty(j => j.StagesJson, (string?)null)
        .SetProperty(j => j.EtaSeconds, (double?)null);

    private static void Failed(UpdateSettersBuilder<VideoJobRecord> s, string errorCode, string message, bool inputDeleted, DateTime now)
    {
        Finished(s, VideoJobState.Failed, now);
        s.SetProperty(j => j.ErrorCode, errorCode)
            .SetProperty(j => j.Error, message.Length > VideoJobRecord.MaxErrorLength ? message[..VideoJobRecord.MaxErrorLength] : message)
            .SetProperty(j => j.OutputsDeletedUtc, now);
        if (inputDeleted)
        {
            s.SetProperty(j => j.InputDeletedUtc, now);
        }
    }

    private static void Requeued(UpdateSettersBuilder<VideoJobRecord> s) => s
        .SetProperty(j => j.State, VideoJobState.Queued)
        .SetProperty(j => j.WorkerId, (string?)null)
        .SetProperty(j => j.LeaseExpiresUtc, (DateTime?)null)
        .SetProperty(j => j.StartedUtc, (DateTime?)null)
        .SetProperty(j => j.Progress, 0.0)
        .SetProperty(j => j.Stage, (string?)null)
        .SetProperty(j => j.StagesJson, (string?)null)
        .SetProperty(j => j.EtaSeconds, (double?)null);
}
