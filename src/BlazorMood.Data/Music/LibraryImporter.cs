using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Data.Music;

/// <summary>Whether an analysis was stored (false: the worker no longer held the track, or it is gone) and the features the track has now.</summary>
public readonly record struct AnalysisStoreResult(bool Stored, TrackFeatures? Features);

/// <summary>What one import changed.</summary>
public sealed record LibraryImportResult(int Added, int Updated, int Removed, int Restored, int Problems, int NeedingAnalysis);

/// <summary>
/// Upserts a <see cref="LibrarySnapshot"/> into the database: playlists and tracks by their stable ids, tracks no
/// longer in the files marked removed (never deleted), problems replaced by the snapshot's. Imports and analysis
/// results are serialised by one gate, so an import never writes over a measurement stored in between.
/// </summary>
public sealed partial class LibraryImporter : IDisposable
{
    // A playlist whose metadata.json cannot be read right now (mid-edit, too large) keeps its tracks as they were:
    // the snapshot says nothing about them, which is not the same as saying they are gone.
    private static readonly HashSet<LibraryProblemKind> Unreadable = [LibraryProblemKind.BrokenJson, LibraryProblemKind.MetadataTooLarge];

    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly StoredTrackFeatures _features;
    private readonly TimeProvider _time;
    private readonly ILogger<LibraryImporter> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // PostgreSQL advisory lock taken by imports: a fixed key ("BmLibr" in ASCII) that nothing else in the database uses.
    private const string ImportLockSql = "SELECT pg_advisory_xact_lock(73037200843378)";

    public LibraryImporter(IDbContextFactory<BlazorMoodDbContext> contexts, StoredTrackFeatures features, TimeProvider time, ILogger<LibraryImporter> logger)
    {
        _contexts = contexts;
        _features = features;
        _time = time;
        _logger = logger;
    }

    public async Task<LibraryImportResult> ImportAsync(LibrarySnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await ImportLockedAsync(snapshot, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<LibraryImportResult> ImportLockedAsync(LibrarySnapshot snapshot, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var now = _time.GetUtcNow().UtcDateTime;
        // Each problem is logged by the loader already; here they are stored, replacing the last import's.
        var keep = snapshot.Problems
            .Where(p => p.Playlist is not null && p.Entry is null && Unreadable.Contains(p.Kind))
            .Select(p => p.Playlist!)
            .ToHashSet(StringComparer.Ordinal);

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        // The retrying strategy of PostgreSQL runs the whole transaction again after a transient error; each attempt starts
        // from an empty change tracker and fresh counts.
        var (added, updated, removed, restored) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.ProviderName == BlazorMoodDbContext.PostgresProviderName)
            {
                // Every node of a deployment imports the same library when it starts (compose starts them together): they
                // take turns, so the second sees the first's rows and updates them instead of inserting the same keys.
                // The lock is the transaction's and ends with it.
                await db.Database.ExecuteSqlRawAsync(ImportLockSql, ct);
            }
            // Songs of Subsonic servers live in the same tables but are the Subsonic sync's (SubsonicLibrarySync): a file
            // import neither updates nor removes them.
            var playlists = await db.Playlists.Where(p => !p.Name.StartsWith(SubsonicTrackPaths.PlaylistPrefix))
                .ToDictionaryAsync(p => p.Name, StringComparer.Ordinal, ct);
            var tracks = await db.Tracks.Where(t => !t.RelativePath.StartsWith(SubsonicTrackPaths.Scheme))
                .ToDictionaryAsync(t => t.Id, StringComparer.Ordinal, ct);
            int added = 0, updated = 0, removed = 0, restored = 0;

            foreach (var playlist in snapshot.Playlists)
            {
                if (!playlists.TryGetValue(playlist.Name, out var row))
                {
                    row = new PlaylistRecord { Name = playlist.Name, FirstSeenUtc = now };
                    db.Playlists.Add(row);
                    playlists[playlist.Name] = row;
                }
                row.Removed = false;
                row.LastSeenUtc = now;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var track in snapshot.Tracks)
            {
                seen.Add(track.Id);
                var (size, modified) = Stamp(track.FullPath);
                if (!tracks.TryGetValue(track.Id, out var row))
                {
                    row = new TrackRecord
                    {
                        Id = track.Id, PlaylistName = track.Playlist, Title = track.Title, Artist = track.Artist, RelativePath = track.RelativePath,
                        FirstSeenUtc = now,
                    };
                    db.Tracks.Add(row);
                    added++;
                }
                else
                {
                    if (row.Removed)
                    {
                        row.Removed = false;
                        row.RemovedAtUtc = null;
                        // It may have failed only because the file was going away; give the returned file a fresh try.
                        row.AnalysisError = null;
                        restored++;
                    }
                    if (row.FileSize != size || !SameModificationTime(row.FileModifiedUtc, modified))
                    {
                        // New audio under the same path: what was measured belongs to the old file.
                        row.MeasuredBpm = row.MeasuredEnergyDb = row.MeasuredBrightnessHz = row.TempoConfidence = null;
                        row.MeasuredLoudnessLufs = row.MeasuredOnsetsPerSecond = row.MeasuredValence = row.MeasuredArousal = null;
                        row.MeasuredKey = row.MeasuredMode = null;
                        row.AnalyzedAtUtc = null;
                        row.AnalysisError = null;
                        // A worker measuring the old file loses its claim (its renewal and its store fail), so the new
                        // file is measured afresh rather than given the old file's features.
                        row.AnalysisWorkerId = null;
                        row.AnalysisLeaseExpiresUtc = null;
                    }
                    row.PlaylistName = track.Playlist;
                    row.Title = track.Title;
                    row.Artist = track.Artist;
                    row.RelativePath = track.RelativePath;
                }
                row.DurationSeconds = track.DurationSeconds;
                row.FileSize = size;
                if (!SameModificationTime(row.FileModifiedUtc, modified))
                {
                    row.FileModifiedUtc = modified;
                }
                ApplyEffective(row, track.Features);
                if (size == 0 && row.NeedsAnalysis)
                {
                    // Nothing to decode; recorded here in the import's batch rather than one ffmpeg start and write each
                    // (a generated library of placeholder files has thousands).
                    row.AnalysisError = "The audio file is empty.";
                }
                if (db.Entry(row).State == EntityState.Modified)
                {
                    updated++;
                }
                if (db.Entry(row).State == EntityState.Added)
                {
                    row.LastSeenUtc = now;
                }
            }

            foreach (var row in tracks.Values)
            {
                if (!row.Removed && !seen.Contains(row.Id) && !keep.Contains(row.PlaylistName))
                {
                    row.Removed = true;
                    row.RemovedAtUtc = now;
                    removed++;
                }
            }
            foreach (var row in playlists.Values)
            {
                if (!row.Removed && snapshot.FindPlaylist(row.Name) is null && !keep.Contains(row.Name))
                {
                    row.Removed = true;
                }
            }

            await db.LibraryProblems.ExecuteDeleteAsync(ct);
            db.LibraryProblems.AddRange(snapshot.Problems.Select(p => new LibraryProblemRecord
            {
                Playlist = p.Playlist is null ? null : ColumnText.Fit(p.Playlist, PlaylistRecord.MaxNameLength),
                Entry = p.Entry,
                Kind = p.Kind.ToString(),
                Message = ColumnText.Fit(p.Message, LibraryProblemRecord.MaxMessageLength),
                DetectedAtUtc = now,
            }));
            await db.SaveChangesAsync(ct);
            // One statement instead of an UPDATE per unchanged row (10,000 of them in a large library).
            var seenIds = seen.ToList();
            await db.Tracks.Where(t => seenIds.Contains(t.Id)).ExecuteUpdateAsync(u => u.SetProperty(t => t.LastSeenUtc, now), ct);
            await tx.CommitAsync(ct);
            return (added, updated, removed, restored);
        }, cancellationToken);

        var all = await db.Tracks.AsNoTracking().Where(t => !t.Removed).ToListAsync(cancellationToken);
        _features.ReplaceAll(all.Select(t => (t.Id, Features: StoredTrackFeatures.Of(t)))
            .Where(x => x.Features is not null)
            .Select(x => KeyValuePair.Create(x.Id, x.Features!)));
        var result = new LibraryImportResult(added, updated, removed, restored, snapshot.Problems.Count, all.Count(t => t.NeedsAnalysis));
        LogImported(_logger, snapshot.Playlists.Count, snapshot.Tracks.Count, result.Added, result.Updated, result.Removed, result.Restored,
            result.Problems, result.NeedingAnalysis, (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    /// <summary>
    /// Stores one analysis of <paramref name="trackId"/> (features, or the error when it failed) and ends
    /// <paramref name="workerId"/>'s claim on it, in one conditional UPDATE: only while that worker still holds the
    /// track. A worker whose lease passed and was taken over, or whose track was reset by an import of a changed file,
    /// writes nothing; so a track is stored once, and a second run of the same file would store the same features.
    /// </summary>
    public async Task<AnalysisStoreResult> StoreAnalysisAsync(string trackId, string workerId, AudioFeatures? features, string? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workerId);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            var written = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                if (db.Database.ProviderName == BlazorMoodDbContext.PostgresProviderName)
                {
                    // Waits for an import running on another node, as the gate does for one on this node.
                    await db.Database.ExecuteSqlRawAsync(ImportLockSql, ct);
                }
                var held = db.Tracks.Where(t => t.Id == trackId && t.AnalysisWorkerId == workerId);
                int written;
                if (features is not null)
                {
                    var now = _time.GetUtcNow().UtcDateTime;
                    // Declared values are already in the effective columns; measurements fill the gaps.
                    written = await held.ExecuteUpdateAsync(u => u
                        .SetMeasured(features, now)
                        .SetProperty(t => t.Bpm, t => t.Bpm ?? features.Bpm)
                        .SetProperty(t => t.EnergyDb, t => t.EnergyDb ?? features.EnergyDb)
                        .SetProperty(t => t.BrightnessHz, t => t.BrightnessHz ?? features.BrightnessHz)
                        .SetProperty(t => t.AnalysisWorkerId, (string?)null)
                        .SetProperty(t => t.AnalysisLeaseExpiresUtc, (DateTime?)null), ct);
                }
                else
                {
                    var message = ColumnText.Fit(error ?? "analysis failed", TrackRecord.MaxErrorLength);
                    written = await held.ExecuteUpdateAsync(u => u
                        .SetProperty(t => t.AnalysisError, message)
                        .SetProperty(t => t.AnalysisWorkerId, (string?)null)
                        .SetProperty(t => t.AnalysisLeaseExpiresUtc, (DateTime?)null), ct);
                }
                await tx.CommitAsync(ct);
                return written;
            }, cancellationToken);
            if (written == 0)
            {
                return new AnalysisStoreResult(false, null);
            }
            var row = await db.Tracks.AsNoTracking().FirstAsync(t => t.Id == trackId, cancellationToken);
            var stored = StoredTrackFeatures.Of(row);
            // Only a measurement changes what the recommender sees; a failure leaves the cache (and its version) alone.
            if (features is not null && stored is not null && !row.Removed)
            {
                _features.Set(row.Id, stored);
            }
            return new AnalysisStoreResult(true, stored);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void ApplyEffective(TrackRecord row, TrackFeatures declared)
    {
        var bpm = declared.Bpm ?? row.MeasuredBpm;
        var energy = declared.EnergyDb ?? row.MeasuredEnergyDb;
        var brightness = declared.BrightnessHz ?? row.MeasuredBrightnessHz;
        // Assign only on change so unchanged rows stay Unchanged and the update count means something.
        if (row.Bpm != bpm)
        {
            row.Bpm = bpm;
        }
        if (row.EnergyDb != energy)
        {
            row.EnergyDb = energy;
        }
        if (row.BrightnessHz != brightness)
        {
            row.BrightnessHz = brightness;
        }
    }

    /// <summary>
    /// PostgreSQL keeps times to the microsecond, the file system to 100 ns: a stamp read back from PostgreSQL differs
    /// from the file's in the last digit, which must not count as a change (it would discard every measurement and
    /// every analysis claim at each import).
    /// </summary>
    private static bool SameModificationTime(DateTime? stored, DateTime? current) =>
        stored is { } a && current is { } b ? Math.Abs((a - b).Ticks) < TimeSpan.TicksPerMicrosecond : stored == current;

    private static (long? Size, DateTime? Modified) Stamp(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (null, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Imported music library: {Playlists} playlists, {Tracks} tracks ({Added} added, {Updated} updated, {Removed} removed, {Restored} restored), {Problems} problems, {NeedingAnalysis} awaiting analysis, in {ElapsedMs} ms")]
    private static partial void LogImported(ILogger logger, int playlists, int tracks, int added, int updated, int removed, int restored, int problems, int needingAnalysis, long elapsedMs);
}
