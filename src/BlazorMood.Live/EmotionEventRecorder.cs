using System.Threading.Channels;
using BlazorMood.Data;
using BlazorMood.Data.Emotions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Live;

/// <summary>
/// Writes dominant-emotion events to the database off the frame path: the processor enqueues into a bounded channel
/// (full: the oldest waiting event is dropped and logged) and this service drains it in batches.
/// </summary>
public sealed partial class EmotionEventRecorder : BackgroundService
{
    private readonly Channel<EmotionEvent> _queue;
    private readonly ResilientBatchWriter _writer;
    private readonly ILogger<EmotionEventRecorder> _logger;

    public EmotionEventRecorder(ResilientBatchWriter writer, IOptions<LiveOptions> options, ILogger<EmotionEventRecorder> logger)
    {
        _writer = writer;
        _logger = logger;
        _queue = Channel.CreateBounded<EmotionEvent>(
            new BoundedChannelOptions(options.Value.Events.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            dropped => LogDropped(_logger, dropped.SessionId, dropped.Label));
    }

    /// <summary>Queues an event for writing; never blocks.</summary>
    public void Enqueue(DominantEmotionChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _queue.Writer.TryWrite(new EmotionEvent
        {
            // A live stream's id is its account's id; UserId is what "my events" queries and "delete my data" use.
            SessionId = Truncate(change.SessionId, EmotionEvent.MaxSessionIdLength),
            UserId = Truncate(change.SessionId, EmotionEvent.MaxSessionIdLength),
            Label = change.Label,
            Confidence = change.Confidence,
            OccurredAtUtc = change.OccurredAt.UtcDateTime,
            Source = "live",
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<EmotionEvent>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < 256 && _queue.Reader.TryRead(out var e))
                {
                    batch.Add(e);
                }
                await WriteAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutting down.
        }
    }

    // Transient errors are retried and a refused batch is written row by row; a row still refused is logged and
    // counted (blazormood.data.rows_not_written) by the writer.
    private Task WriteAsync(List<EmotionEvent> batch, CancellationToken ct) =>
        _writer.WriteAsync(nameof(EmotionEventRecorder), batch, static (db, e) => db.EmotionEvents.Add(e), static e => $"{e.Label} at {e.OccurredAtUtc:O}", ct);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Emotion event queue full: dropped the oldest ({SessionId}, {Label})")]
    private static partial void LogDropped(ILogger logger, string sessionId, string label);

}
