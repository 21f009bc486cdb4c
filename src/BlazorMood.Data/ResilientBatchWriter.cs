using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.Retry;

namespace BlazorMood.Data;

/// <summary>What became of a batch: rows written, and rows the database refused even alone (logged and counted).</summary>
public readonly record struct BatchWriteResult(int Written, int Failed);

/// <summary>
/// Appends rows in one transaction per batch, and loses none without saying so. A transient error (SQLite busy or
/// locked, a PostgreSQL error the driver marks transient, a timeout) is retried with backoff; when the database refuses
/// the batch for another reason, each row is written alone, so one bad row costs only itself. A row that still cannot
/// be written is logged as an error and counted on <c>blazormood.data.rows_not_written</c> (tag <c>writer</c>), which
/// the operations endpoint exports.
/// </summary>
public sealed partial class ResilientBatchWriter : IDisposable
{
    public const string MeterName = "BlazorMood.Data";

    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly ILogger<ResilientBatchWriter> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _notWritten;
    private readonly ResiliencePipeline _transientRetry;

    public ResilientBatchWriter(
        IDbContextFactory<BlazorMoodDbContext> contexts,
        ILogger<ResilientBatchWriter> logger,
        IMeterFactory? meters = null,
        TimeProvider? time = null,
        ResilientBatchWriterOptions? options = null)
    {
        _contexts = contexts;
        _logger = logger;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _notWritten = _meter.CreateCounter<long>("blazormood.data.rows_not_written", unit: "{row}",
            description: "Rows a background writer could not store after retries (each one is also logged as an error)");
        options ??= new ResilientBatchWriterOptions();
        _transientRetry = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.FirstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(_logger, args.Outcome.Exception, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>True for errors that may pass by themselves: a busy or locked SQLite file, a transient PostgreSQL error, a timeout.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY, SQLITE_LOCKED
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    private static bool IsDatabaseError(Exception e) => e is DbUpdateException or DbException or InvalidOperationException or TimeoutException;

    /// <summary>
    /// Writes <paramref name="rows"/> (<paramref name="add"/> puts one into a context) as one batch, else row by row;
    /// <paramref name="describe"/> names a lost row in the log (no personal data).
    /// Cancellation stops between attempts; rows not attempted by then are neither written nor counted as failed.
    /// </summary>
    public async Task<BatchWriteResult> WriteAsync<T>(string writer, IReadOnlyList<T> rows, Action<BlazorMoodDbContext, T> add, Func<T, string> describe, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(describe);
        if (rows.Count == 0)
        {
            return default;
        }
        try
        {
            await SaveAsync(rows, add, ct);
            return new BatchWriteResult(rows.Count, 0);
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            LogBatchRefused(_logger, e, writer, rows.Count);
        }
        var written = 0;
        var failed = 0;
        foreach (var row in rows)
        {
            try
            {
                await SaveAsync([row], add, ct);
                written++;
            }
            catch (Exception e) when (IsDatabaseError(e))
            {
                failed++;
                LogRowNotWritten(_logger, e, writer, describe(row));
            }
        }
        if (failed > 0)
        {
            _notWritten.Add(failed, new KeyValuePair<string, object?>("writer", writer));
        }
        return new BatchWriteResult(written, failed);
    }

    private async Task SaveAsync<T>(IReadOnlyList<T> rows, Action<BlazorMoodDbContext, T> add, CancellationToken ct) =>
        await _transientRetry.ExecuteAsync(async token =>
        {
            // A fresh context per attempt: a failed SaveChanges leaves its rows tracked as Added.
            await using var db = await _contexts.CreateDbContextAsync(token);
            foreach (var row in rows)
            {
                add(db, row);
            }
            await db.SaveChangesAsync(token);
        }, ct);

    public void Dispose() => _meter.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database write failed transiently; retry {Retry} in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, Exception? exception, int retry, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Writer}: the database refused a batch of {Count} rows; writing them one by one")]
    private static partial void LogBatchRefused(ILogger logger, Exception exception, string writer, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Writer}: a row could not be written and is lost: {Row}")]
    private static partial void LogRowNotWritten(ILogger logger, Exception exception, string writer, string row);
}

/// <summary>Retry settings of <see cref="ResilientBatchWriter"/> for transient errors.</summary>
public sealed class ResilientBatchWriterOptions
{
    public int MaxRetries { get; set; } = 4;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
