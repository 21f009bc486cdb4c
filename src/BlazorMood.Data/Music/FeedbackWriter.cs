using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Music;

/// <summary>
/// Loads stored feedback into <see cref="PersistentFeedbackStore"/> before the host serves requests, then appends
/// queued feedback and play rows in batches; what is still queued at shutdown is written before the host stops.
/// </summary>
public sealed partial class FeedbackWriter : BackgroundService
{
    private const int BatchSize = 256;

    private readonly PersistentFeedbackStore _store;
    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly MusicPersistenceOptions _options;
    private readonly ResilientBatchWriter _writer;
    private readonly ILogger<FeedbackWriter> _logger;

    public FeedbackWriter(PersistentFeedbackStore store, IDbContextFactory<BlazorMoodDbContext> contexts, ResilientBatchWriter writer, IOptions<MusicPersistenceOptions> options, ILogger<FeedbackWriter> logger)
    {
        _store = store;
        _contexts = contexts;
        _writer = writer;
        _options = options.Value;
        _logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Awaited here (not in ExecuteAsync) so the first recommendation already sees the listener's history. Runs
        // after the database initializer, which AddData registers first.
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            await _store.LoadAsync(db, Math.Max(0, _options.MaxPlaysLoaded), cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _store.Pending.WaitToReadAsync(stoppingToken))
            {
                // Rows taken off the queue are written whatever happens to the stopping token: cancelling a save
                // half-way would lose them. A batch is one short insert.
                await WriteBatchAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Drain what arrived before shutdown, bounded by the host's shutdown timeout.
        try
        {
            while (_store.Pending.TryPeek(out _))
            {
                await WriteBatchAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            LogShutdownCut(_logger, _store.Pending.Count);
        }
    }

    private async Task WriteBatchAsync(CancellationToken cancellationToken)
    {
        // Under the store's gate, so "delete my data" sees either none or all of a batch.
        await _store.WriteGate.WaitAsync(cancellationToken);
        try
        {
            await WriteBatchLockedAsync(cancellationToken);
        }
        finally
        {
            _store.WriteGate.Release();
        }
    }

    private async Task WriteBatchLockedAsync(CancellationToken cancellationToken)
    {
        var batch = new List<PendingWrite>(BatchSize);
        while (batch.Count < BatchSize && _store.Pending.TryRead(out var item))
        {
            if (!_store.IsForgotten(item))
            {
                batch.Add(item);
            }
        }
        if (batch.Count == 0)
        {
            return;
        }
        // Transient errors are retried; a refused batch is written row by row. A row still refused is logged and
        // counted by the writer, and keeps counting in memory until restart.
        await _writer.WriteAsync(nameof(FeedbackWriter), batch, static (db, item) =>
        {
            if (item.Feedback is { } f)
            {
                db.TrackFeedback.Add(f);
            }
            if (item.Play is { } p)
            {
                db.TrackPlays.Add(p);
            }
        }, static item => item.Feedback is { } f ? $"feedback at {f.OccurredAtUtc:O}" : $"play at {item.Play?.OccurredAtUtc:O}", cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timed out with {Count} feedback/play rows unwritten")]
    private static partial void LogShutdownCut(ILogger logger, int count);
}
