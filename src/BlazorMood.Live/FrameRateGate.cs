namespace BlazorMood.Live;

/// <summary>
/// Token bucket: <c>maxFps</c> tokens a second, at most <c>burst</c> saved up. A frame that finds no token is dropped,
/// never queued. Not thread-safe (one per stream; the hub runs one invocation per connection at a time).
/// </summary>
public sealed class FrameRateGate
{
    private readonly TimeProvider _time;
    private readonly double _ratePerTick;
    private readonly double _burst;
    private double _tokens;
    private long _last;

    public FrameRateGate(int maxFps, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _time = time;
        _ratePerTick = maxFps / (double)time.TimestampFrequency;
        _burst = burst;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    /// <summary>True when the frame may be analysed now.</summary>
    public bool TryPass()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + ((now - _last) * _ratePerTick));
        _last = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }
        return false;
    }
}
