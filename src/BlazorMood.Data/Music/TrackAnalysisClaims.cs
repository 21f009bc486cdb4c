using Microsoft.EntityFrameworkCore;

namespace BlazorMood.Data.Music;

/// <summary>
/// Per-track claims that let analysis workers on several nodes share one database without measuring a track twice.
/// A claim is one conditional UPDATE (the track still needs analysis, and nobody holds it or the holder's lease has
/// passed), which both engines apply atomically: on PostgreSQL a second worker's UPDATE of the same row waits for
/// the first to commit, re-reads the row and matches nothing; SQLite runs writes one at a time. Whoever changed the
/// row is the only one that analyses it.
/// </summary>
public sealed class TrackAnalysisClaims
{
    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly TimeProvider _time;

    public TrackAnalysisClaims(IDbContextFactory<BlazorMoodDbContext> contexts, TimeProvider time)
    {
        _contexts = contexts;
        _time = time;
    }

    private DateTime UtcNow => _time.GetUtcNow().UtcDateTime;

    /// <summary>Tracks that need analysis and that no live worker holds, in id order.</summary>
    public async Task<List<string>> FindClaimableAsync(CancellationToken cancellationToken)
    {
        var now = UtcNow;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await Claimable(db.Tracks.AsNoTracking(), now)
            .OrderBy(t => t.Id)
            .Select(t => t.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Takes <paramref name="trackId"/> for <paramref name="workerId"/> until now + <paramref name="lease"/>; false when it needs no analysis any more or another worker holds it.</summary>
    public async Task<bool> TryClaimAsync(string trackId, string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = UtcNow;
        var expires = now + lease;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var claimed = await Claimable(db.Tracks.Where(t => t.Id == trackId), now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.AnalysisWorkerId, workerId)
                .SetProperty(t => t.AnalysisLeaseExpiresUtc, expires), cancellationToken);
        return claimed == 1;
    }

    /// <summary>Extends the holder's lease; false when the claim is gone (taken over after it expired, or reset by an import of a changed file).</summary>
    public async Task<bool> RenewAsync(string trackId, string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var expires = UtcNow + lease;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var renewed = await db.Tracks
            .Where(t => t.Id == trackId && t.AnalysisWorkerId == workerId)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.AnalysisLeaseExpiresUtc, expires), cancellationToken);
        return renewed == 1;
    }

    /// <summary>Gives the track back without a result (the worker is stopping), so another worker takes it at once instead of after the lease.</summary>
    public async Task<bool> ReleaseAsync(string trackId, string workerId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var released = await db.Tracks
            .Where(t => t.Id == trackId && t.AnalysisWorkerId == workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.AnalysisWorkerId, (string?)null)
                .SetProperty(t => t.AnalysisLeaseExpiresUtc, (DateTime?)null), cancellationToken);
        return released == 1;
    }

    // The same condition as TrackRecord.NeedsAnalysis, plus "free or expired"; repeated in the claim's WHERE so a
    // track measured or claimed since the list was read is not taken.
    private static IQueryable<TrackRecord> Claimable(IQueryable<TrackRecord> tracks, DateTime now) =>
        tracks.Where(t => !t.Removed && t.AnalyzedAtUtc == null && t.AnalysisError == null
            && (t.Bpm == null || t.EnergyDb == null || t.BrightnessHz == null)
            && (t.AnalysisWorkerId == null || t.AnalysisLeaseExpiresUtc == null || t.AnalysisLeaseExpiresUtc < now));
}
