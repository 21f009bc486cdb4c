using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BlazorMood.Live;

/// <summary>The state of one live connection: its session, tracker, rate gate and counters. Lives in memory only.</summary>
public sealed class LiveStream
{
    public LiveStream(string connectionId, string sessionId, LiveOptions options, TimeProvider time)
    {
        ConnectionId = connectionId;
        SessionId = sessionId;
        Tracker = new FaceTracker(options.Tracking);
        Gate = new FrameRateGate(options.MaxFps, options.BurstFrames, time);
    }

    public string ConnectionId { get; }

    public string SessionId { get; }

    public FaceTracker Tracker { get; }

    /// <summary>The faces of this stream's last analysed frame, so a face that barely moved need not be classified again.</summary>
    public BlazorMood.Vision.EmotionReuseMemory EmotionReuse { get; } = new();

    /// <summary>The brightness grid of this stream's last analysed frame, for how much of the picture moved since.</summary>
    public BlazorMood.Vision.MotionMeter Motion { get; } = new();

    public FrameRateGate Gate { get; }

    /// <summary>Serialises frames of this stream even if a client raises its parallel invocation limit.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    public long Analysed { get; set; }

    public long Dropped { get; set; }

    public long Rejected { get; set; }

    /// <summary>Last dominant label written as an event, and when.</summary>
    public string? RecordedLabel { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>Live streams by connection id; the hub adds one on connect and removes it on disconnect.</summary>
public sealed class LiveStreamRegistry(IOptions<LiveOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LiveStream> _streams = new(StringComparer.Ordinal);

    public int Count => _streams.Count;

    public LiveStream Open(string connectionId, string sessionId) =>
        _streams.GetOrAdd(connectionId, id => new LiveStream(id, sessionId, options.Value, time));

    public LiveStream? Find(string connectionId) => _streams.TryGetValue(connectionId, out var s) ? s : null;

    public LiveStream? Close(string connectionId) => _streams.TryRemove(connectionId, out var s) ? s : null;
}
