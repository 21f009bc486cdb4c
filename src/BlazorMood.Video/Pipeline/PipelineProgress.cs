using System.Diagnostics;

namespace BlazorMood.Video;

public enum PipelineStage
{
    Probing,
    Decoding,
    Pose,
    Classifying,
    Encoding,
    Completed,
}

/// <summary>
/// Progress of one clip: the earliest unfinished stage, every stage's fraction 0..1, the overall fraction and the
/// estimated time left (null until there is enough to go on).
/// </summary>
public sealed record PipelineProgress(PipelineStage Stage, double Fraction, TimeSpan? Eta, IReadOnlyDictionary<PipelineStage, double> Stages, int FramesDone, int FramesTotal);

/// <summary>
/// Counts frames through each stage and reports at most <c>maxPerSecond</c> times a second (a web client repaints on
/// every message, so per-frame reports would flood it); the final report always goes out. Thread-safe.
/// </summary>
internal sealed class ProgressTracker
{
    private static readonly PipelineStage[] FrameStages = [PipelineStage.Decoding, PipelineStage.Pose, PipelineStage.Classifying, PipelineStage.Encoding];
    private readonly IProgress<PipelineProgress>? _progress;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int[] _done = new int[FrameStages.Length];
    private readonly object _gate = new();
    private TimeSpan _lastReport = TimeSpan.MinValue;
    private int _total = 1;
    private bool _probed;

    public ProgressTracker(IProgress<PipelineProgress>? progress, double maxPerSecond)
    {
        _progress = progress;
        _interval = TimeSpan.FromSeconds(1 / Math.Max(0.1, maxPerSecond));
    }

    public void Probed(int expectedFrames)
    {
        lock (_gate)
        {
            _total = Math.Max(1, expectedFrames);
            _probed = true;
        }
        Report(force: false);
    }

    public void Advance(PipelineStage stage)
    {
        var i = Array.IndexOf(FrameStages, stage);
        Interlocked.Increment(ref _done[i]);
        Report(force: false);
    }

    public void Complete()
    {
        lock (_gate)
        {
            for (var i = 0; i < _done.Length; i++)
            {
                _done[i] = Math.Max(_done[i], _total);
            }
        }
        Report(force: true, completed: true);
    }

    private void Report(bool force, bool completed = false)
    {
        if (_progress is null)
        {
            return;
        }
        PipelineProgress snapshot;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            if (!force && _lastReport != TimeSpan.MinValue && now - _lastReport < _interval)
            {
                return;
            }
            _lastReport = now;
            var stages = new Dictionary<PipelineStage, double> { [PipelineStage.Probing] = _probed ? 1 : 0 };
            for (var i = 0; i < FrameStages.Length; i++)
            {
                stages[FrameStages[i]] = Math.Min(1, Volatile.Read(ref _done[i]) / (double)_total);
            }
            // The last stage trails all others, so its fraction is the honest overall progress.
            var fraction = completed ? 1 : stages[PipelineStage.Encoding];
            TimeSpan? eta = fraction is > 0.02 and < 1 ? TimeSpan.FromSeconds(now.TotalSeconds * (1 - fraction) / fraction) : completed ? TimeSpan.Zero : null;
            var stage = completed ? PipelineStage.Completed : stages.Where(kv => kv.Value < 1).Select(kv => kv.Key).DefaultIfEmpty(PipelineStage.Encoding).Min();
            snapshot = new PipelineProgress(stage, fraction, eta, stages, Math.Min(_total, Volatile.Read(ref _done[^1])), _total);
        }
        _progress.Report(snapshot);
    }
}
