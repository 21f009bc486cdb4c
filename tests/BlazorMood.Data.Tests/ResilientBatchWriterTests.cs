using System.Diagnostics.Metrics;
using BlazorMood.Data.Emotions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Data.Tests;

/// <summary>
/// The background writers' batch writer on a real SQLite database: a transient error is retried without writing
/// twice, a refused batch is written row by row so only the bad row is lost, and every lost row is logged and counted.
/// </summary>
public sealed class ResilientBatchWriterTests : IAsyncLifetime, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-batch-").FullName;
    private readonly ListLoggerProvider _logs = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Data:DatabasePath"] = "test.db" }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs));
        services.AddMetrics();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(_root));
        services.AddData(configuration);
        services.AddSingleton(new ResilientBatchWriterOptions { FirstDelay = TimeSpan.FromMilliseconds(5) });
        _services = services.BuildServiceProvider();
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    public void Dispose() => _logs.Dispose();

    private static EmotionEvent Event(string label, int second) => new()
    {
        SessionId = "s", UserId = "u", Label = label, Confidence = 0.9f, Source = "live",
        OccurredAtUtc = new DateTime(2026, 12, 1, 12, 0, second, DateTimeKind.Utc),
    };

    private async Task<List<string>> StoredLabelsAsync()
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();
        return await db.EmotionEvents.OrderBy(e => e.OccurredAtUtc).Select(e => e.Label).ToListAsync();
    }

    private static MeterListener CountNotWritten(List<(long Value, string? Writer)> into)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ResilientBatchWriter.MeterName && instrument.Name == "blazormood.data.rows_not_written")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (into)
            {
                into.Add((value, tags.ToArray().FirstOrDefault(t => t.Key == "writer").Value as string));
            }
        });
        listener.Start();
        return listener;
    }

    [Fact]
    public async Task A_refused_batch_is_written_row_by_row_and_only_the_bad_row_is_lost_logged_and_counted()
    {
        var counted = new List<(long Value, string? Writer)>();
        using var listener = CountNotWritten(counted);
        var writer = _services.GetRequiredService<ResilientBatchWriter>();
        // Label is NOT NULL in the table: the database itself refuses this row, and with it the batch.
        EmotionEvent[] rows = [Event("happy", 1), Event(null!, 2), Event("sad", 3)];

        var result = await writer.WriteAsync("test-writer", rows, (db, e) => db.EmotionEvents.Add(e), e => $"event at {e.OccurredAtUtc:O}", CancellationToken.None);

        Assert.Equal(new BatchWriteResult(2, 1), result);
        Assert.Equal(["happy", "sad"], await StoredLabelsAsync());
        Assert.Equal([(1L, "test-writer")], counted);
        var lost = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("test-writer", lost.Message, StringComparison.Ordinal);
        Assert.Contains("2026-12-01T12:00:02", lost.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_error_is_retried_and_the_batch_is_written_once()
    {
        var writer = _services.GetRequiredService<ResilientBatchWriter>();
        var attempts = 0;
        EmotionEvent[] rows = [Event("happy", 1), Event("sad", 2)];

        var result = await writer.WriteAsync("test-writer", rows, (db, e) =>
        {
            // The first attempt meets a locked database half-way through adding the batch.
            if (e.Label == "sad" && ++attempts == 1)
            {
                throw new SqliteException("database is locked", 5);
            }
            db.EmotionEvents.Add(e);
        }, e => e.Label, CancellationToken.None);

        Assert.Equal(new BatchWriteResult(2, 0), result);
        Assert.Equal(2, attempts);
        Assert.Equal(["happy", "sad"], await StoredLabelsAsync());
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("retry 1 in", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task When_every_row_is_refused_each_is_logged_and_counted_and_nothing_throws()
    {
        var counted = new List<(long Value, string? Writer)>();
        using var listener = CountNotWritten(counted);
        var writer = _services.GetRequiredService<ResilientBatchWriter>();
        await using (var db = await _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE EmotionEvents");
        }

        var result = await writer.WriteAsync("test-writer", [Event("happy", 1), Event("sad", 2)], (db, e) => db.EmotionEvents.Add(e), e => e.Label, CancellationToken.None);

        Assert.Equal(new BatchWriteResult(0, 2), result);
        Assert.Equal([(2L, "test-writer")], counted);
        Assert.Equal(2, _logs.Entries.Count(e => e.Level == LogLevel.Error));
    }

    [Theory]
    [InlineData(5, true)]   // SQLITE_BUSY
    [InlineData(6, true)]   // SQLITE_LOCKED
    [InlineData(19, false)] // SQLITE_CONSTRAINT: retrying cannot help
    [InlineData(1, false)]  // SQLITE_ERROR
    public void Only_busy_and_locked_sqlite_errors_are_transient(int code, bool transient)
    {
        var error = new SqliteException("x", code);

        Assert.Equal(transient, ResilientBatchWriter.IsTransient(error));
        Assert.Equal(transient, ResilientBatchWriter.IsTransient(new DbUpdateException("save failed", error)));
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (category != typeof(ResilientBatchWriter).FullName)
                {
                    return;
                }
                lock (owner._entries)
                {
                    owner._entries.Add((logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
