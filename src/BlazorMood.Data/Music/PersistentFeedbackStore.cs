using System.Collections.Concurrent;
using System.Threading.Channels;
using BlazorMood.Music.Recommendation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Music;

/// <summary>
/// Write-through <see cref="IFeedbackStore"/>: the recommender reads the in-memory posterior and history (so its hot
/// path never waits for SQLite), and every like/skip/complete and play is appended to the database by
/// <see cref="FeedbackWriter"/> and replayed into memory at start-up. The served-in-context map is not persisted: it is
/// written on every recommendation, and only the context key it yields is needed later, which each feedback row keeps.
/// </summary>
public sealed partial class PersistentFeedbackStore : IFeedbackStore
{
    private readonly InMemoryFeedbackStore _memory;
    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly TimeProvider _time;
    private readonly ILogger<PersistentFeedbackStore> _logger;
    private readonly Channel<PendingWrite> _pending;

    // Users whose data was deleted, and when: rows of theirs queued before that moment are never written afterwards.
    private readonly ConcurrentDictionary<string, DateTime> _forgotten = new(StringComparer.Ordinal);

    private static readonly TimeSpan TombstoneLifetime = TimeSpan.FromHours(1);

    public PersistentFeedbackStore(
        InMemoryFeedbackStore memory,
        IDbContextFactory<BlazorMoodDbContext> contexts,
        IOptions<MusicPersistenceOptions> options,
        TimeProvider time,
        ILogger<PersistentFeedbackStore> logger)
    {
        _memory = memory;
        _contexts = contexts;
        _time = time;
        _logger = logger;
        // Feedback is recorded on request threads: a full queue (the database stalled) drops the new row with a log
        // line instead of blocking the listener's request. The in-memory posterior still has it.
        _pending = Channel.CreateBounded<PendingWrite>(
            new BoundedChannelOptions(Math.Max(1, options.Value.WriteQueueCapacity)) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped => LogDropped(_logger, dropped.Feedback?.UserId ?? dropped.Play?.UserId, dropped.Feedback?.TrackId ?? dropped.Play?.TrackId));
    }

    internal ChannelReader<PendingWrite> Pending => _pending.Reader;

    /// <summary>
    /// Held by <see cref="FeedbackWriter"/> while it takes a batch off the queue and saves it, and by
    /// <see cref="ForgetAsync"/> while it deletes: a deletion never overlaps a half-written batch.
    /// </summary>
    internal SemaphoreSlim WriteGate { get; } = new(1, 1);

    public void RecordServed(string userId, string contextKey, IReadOnlyList<string> trackIds) => _memory.RecordServed(userId, contextKey, trackIds);

    public void RecordPlay(string userId, string trackId)
    {
        _memory.RecordPlay(userId, trackId);
        _pending.Writer.TryWrite(new PendingWrite(null, new PlayRecord { UserId = userId, TrackId = trackId, OccurredAtUtc = _time.GetUtcNow().UtcDateTime }));
    }

    public void RecordFeedback(string userId, string trackId, FeedbackKind kind) =>
        RecordFeedback(userId, _memory.ContextOf(userId, trackId), trackId, kind);

    public void RecordFeedback(string userId, string contextKey, string trackId, FeedbackKind kind)
    {
        _memory.RecordFeedback(userId, contextKey, trackId, kind);
        _pending.Writer.TryWrite(new PendingWrite(new FeedbackRecord
        {
            UserId = userId,
            ContextKey = contextKey,
            TrackId = trackId,
            Kind = KindName(kind),
            OccurredAtUtc = _time.GetUtcNow().UtcDateTime,
        }, null));
    }

    public FeedbackCounts GetCounts(string userId, string contextKey, string trackId) => _memory.GetCounts(userId, contextKey, trackId);

    public IReadOnlyList<string> RecentPlays(string userId, int max) => _memory.RecentPlays(userId, max);

    /// <summary>Forgets <paramref name="userId"/> in memory only; <see cref="ForgetAsync"/> also deletes the stored rows.</summary>
    public void Forget(string userId) => _memory.Forget(userId);

    /// <summary>
    /// "Delete my data": drops the user's posteriors and history from memory and deletes their feedback and play rows,
    /// including rows still waiting in the write queue. Returns how many feedback and play rows were deleted.
    /// </summary>
    public async Task<(int Feedback, int Plays)> ForgetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await WriteGate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow().UtcDateTime;
            _forgotten[userId] = now;
            _memory.Forget(userId);
            await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
            var feedback = await db.TrackFeedback.Where(f => f.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            var plays = await db.TrackPlays.Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
            // Tombstones only need to outlive rows that were already queued; a queue never waits this long.
            foreach (var old in _forgotten.Where(kv => kv.Value < now - TombstoneLifetime).ToList())
            {
                _forgotten.TryRemove(old);
            }
            LogForgotten(_logger, userId, feedback, plays);
            return (feedback, plays);
        }
        finally
        {
            WriteGate.Release();
        }
    }

    /// <summary>True for a queued row of a user whose data was deleted after the row was queued.</summary>
    internal bool IsForgotten(PendingWrite row)
    {
        var (user, at) = row.Feedback is { } f ? (f.UserId, f.OccurredAtUtc) : (row.Play!.UserId, row.Play.OccurredAtUtc);
        return _forgotten.TryGetValue(user, out var forgottenAt) && at <= forgottenAt;
    }

    /// <summary>Replays the stored feedback (aggregated per user, context, track and kind) and the latest plays into memory.</summary>
    internal async Task LoadAsync(BlazorMoodDbContext db, int maxPlays, CancellationToken cancellationToken)
    {
        var counts = await db.TrackFeedback.AsNoTracking()
            .GroupBy(f => new { f.UserId, f.ContextKey, f.TrackId, f.Kind })
            .Select(g => new { g.Key.UserId, g.Key.ContextKey, g.Key.TrackId, g.Key.Kind, Count = g.Count(), Last = g.Max(f => f.Id) })
            .ToListAsync(cancellationToken);
        // Oldest activity first: the memory store evicts least recently touched users, so the active ones survive.
        var rows = 0;
        foreach (var c in counts.OrderBy(c => c.Last))
        {
            if (ParseKind(c.Kind) is not { } kind)
            {
                continue;
            }
            for (var i = 0; i < c.Count; i++)
            {
                _memory.RecordFeedback(c.UserId, c.ContextKey, c.TrackId, kind);
            }
            rows += c.Count;
        }
        var plays = await db.TrackPlays.AsNoTracking().OrderByDescending(p => p.Id).Take(maxPlays).ToListAsync(cancellationToken);
        for (var i = plays.Count - 1; i >= 0; i--)
        {
            _memory.RecordPlay(plays[i].UserId, plays[i].TrackId);
        }
        LogLoaded(_logger, rows, plays.Count);
    }

    internal static string KindName(FeedbackKind kind) => kind switch
    {
        FeedbackKind.Like => "like",
        FeedbackKind.Skip => "skip",
        FeedbackKind.Complete => "complete",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown feedback kind."),
    };

    internal static FeedbackKind? ParseKind(string kind) => kind switch
    {
        "like" => FeedbackKind.Like,
        "skip" => FeedbackKind.Skip,
        "complete" => FeedbackKind.Complete,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feedback write queue full; dropped a row of {UserId} for track {TrackId} (it still counts until restart)")]
    private static partial void LogDropped(ILogger logger, string? userId, string? trackId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the listening data of {UserId}: {Feedback} feedback rows, {Plays} plays")]
    private static partial void LogForgotten(ILogger logger, string userId, int feedback, int plays);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Feedback} feedback rows and {Plays} plays from the database")]
    private static partial void LogLoaded(ILogger logger, int feedback, int plays);
}

/// <summary>One row waiting for the database: feedback or a play.</summary>
internal readonly record struct PendingWrite(FeedbackRecord? Feedback, PlayRecord? Play);
