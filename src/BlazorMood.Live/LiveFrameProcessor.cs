using System.Diagnostics;
using BlazorMood.Vision;
using Microsoft.Extensions.Options;

namespace BlazorMood.Live;

/// <summary>
/// One frame of a live stream: size check → rate gate → decode + detect + classify (bounded concurrency over all
/// clients) → tracking → reply, notifier, event recording. Frames stay in memory: nothing here writes image data anywhere.
/// </summary>
public sealed partial class LiveFrameProcessor : IDisposable
{
    private readonly EmotionAnalyzer _analyzer;
    private readonly LiveMoodNotifier _notifier;
    private readonly EmotionEventRecorder _recorder;
    private readonly LiveOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveFrameProcessor> _logger;
    private readonly LiveMetrics _metrics;
    private readonly SemaphoreSlim _slots;

    public LiveFrameProcessor(
        EmotionAnalyzer analyzer,
        LiveMoodNotifier notifier,
        EmotionEventRecorder recorder,
        IOptions<LiveOptions> options,
        TimeProvider time,
        ILogger<LiveFrameProcessor> logger,
        LiveMetrics metrics)
    {
        _metrics = metrics;
        _analyzer = analyzer;
        _notifier = notifier;
        _recorder = recorder;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var slots = _options.MaxConcurrentAnalyses > 0 ? _options.MaxConcurrentAnalyses : Environment.ProcessorCount;
        _slots = new SemaphoreSlim(slots, slots);
    }

    public async Task<FrameResult> ProcessAsync(LiveStream stream, long sequence, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var start = Stopwatch.GetTimestamp();
        await stream.Turn.WaitAsync(cancellationToken);
        try
        {
            if (frame.Length > _options.MaxFrameBytes)
            {
                stream.Rejected++;
                _metrics.FrameRejected("too_large");
                LogRejected(_logger, stream.ConnectionId, frame.Length, "too large");
                return Reject(stream, sequence, FrameStatus.TooLarge, $"The frame has {frame.Length} bytes; the limit is {_options.MaxFrameBytes}.");
            }
            if (!stream.Gate.TryPass())
            {
                stream.Dropped++;
                _metrics.FrameDropped();
                return new FrameResult { Sequence = sequence, Status = FrameStatus.Dropped, DroppedFrames = stream.Dropped, AnalysedFrames = stream.Analysed };
            }

            EmotionAnalysis analysis;
            await _slots.WaitAsync(cancellationToken);
            try
            {
                analysis = _analyzer.Analyze(frame, stream.EmotionReuse, stream.Motion, _options.MaxFaces, cancellationToken);
            }
            catch (ImageDecodeException e) when (e.Error == ImageDecodeError.Busy)
            {
                // Every decode slot of the process is taken (uploads, other streams): like a rate-gated frame, this
                // one is skipped and the browser simply sends its next.
                stream.Dropped++;
                _metrics.FrameDropped();
                return new FrameResult { Sequence = sequence, Status = FrameStatus.Dropped, DroppedFrames = stream.Dropped, AnalysedFrames = stream.Analysed };
            }
            catch (ImageDecodeException e)
            {
                stream.Rejected++;
                _metrics.FrameRejected(e.Error == ImageDecodeError.TooLarge ? "too_large" : "invalid");
                LogRejected(_logger, stream.ConnectionId, frame.Length, e.Error.ToString());
                return e.Error == ImageDecodeError.TooLarge
                    ? Reject(stream, sequence, FrameStatus.TooLarge, e.Message)
                    : Reject(stream, sequence, FrameStatus.Invalid, e.Message);
            }
            finally
            {
                _slots.Release();
            }

            stream.Analysed++;
            var tracked = stream.Tracker.Update(analysis.Faces);
            var result = new FrameResult
            {
                Sequence = sequence,
                Status = FrameStatus.Ok,
                ImageWidth = analysis.ImageWidth,
                ImageHeight = analysis.ImageHeight,
                Faces = tracked.Faces,
                Dominant = tracked.Dominant,
                DominantChanged = tracked.DominantChanged,
                Group = tracked.Group,
                Motion = analysis.Motion is { } moved ? MathF.Round(moved, 4) : null,
                DroppedFrames = stream.Dropped,
                AnalysedFrames = stream.Analysed,
                Timings = new FrameTimings
                {
                    DecodeMs = Math.Round(analysis.Timings.DecodeMs, 2),
                    DetectMs = Math.Round(analysis.Timings.DetectMs, 2),
                    ClassifyMs = Math.Round(analysis.Timings.ClassifyMs, 2),
                    ServerMs = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 2),
                },
            };
            _notifier.Publish(new LiveUpdate(stream.SessionId, result, RecordIfDue(stream, tracked.Dominant)));
            _metrics.FrameAnalysed(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return result;
        }
        finally
        {
            stream.Turn.Release();
        }
    }

    /// <summary>An event when the dominant label differs from the last recorded one, or the repeat interval has passed.</summary>
    private DominantEmotionChanged? RecordIfDue(LiveStream stream, MoodReading? dominant)
    {
        if (dominant is null)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        var repeat = _options.Events.RepeatInterval;
        // The held label, not the headline's top class: the music and the recorded history change only once a new
        // emotion has led for a moment.
        var (label, confidence) = dominant.MusicChoice();
        var changed = !string.Equals(stream.RecordedLabel, label, StringComparison.Ordinal);
        if (!changed && (repeat <= TimeSpan.Zero || now - stream.RecordedAt < repeat))
        {
            return null;
        }
        stream.RecordedLabel = label;
        stream.RecordedAt = now;
        var change = new DominantEmotionChanged(stream.SessionId, label, confidence, dominant.TrackId, now);
        _recorder.Enqueue(change);
        LogDominant(_logger, stream.SessionId, label, confidence);
        return change;
    }

    private static FrameResult Reject(LiveStream stream, long sequence, FrameStatus status, string error) => new()
    {
        Sequence = sequence,
        Status = status,
        Error = error,
        DroppedFrames = stream.Dropped,
        AnalysedFrames = stream.Analysed,
    };

    public void Dispose() => _slots.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Live frame of {ConnectionId} rejected ({Bytes} bytes): {Reason}")]
    private static partial void LogRejected(ILogger logger, string connectionId, int bytes, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId}: dominant emotion {Label} ({Confidence:F2})")]
    private static partial void LogDominant(ILogger logger, string sessionId, string label, float confidence);
}
