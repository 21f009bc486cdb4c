namespace BlazorMood.Web.Components.Pages.Home.Live;

/// <summary>
/// Coalesces render requests from background threads: the first request renders at once, later ones within
/// <c>interval</c> collapse into a single trailing render at the end of it. At most one render per interval
/// (10/s for 100 ms), and the last update is never lost.
/// </summary>
public sealed class RenderThrottle : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Func<Task> _render;
    private readonly Lock _gate = new();
    private long _lastRender = long.MinValue;
    private ITimer? _pending;
    private bool _disposed;

    public RenderThrottle(TimeSpan interval, TimeProvider time, Func<Task> render)
    {
        _interval = interval;
        _time = time;
        _render = render;
    }

    /// <summary>Renders carried out so far.</summary>
    public int RenderCount { get; private set; }

    public void Request()
    {
        TimeSpan wait;
        lock (_gate)
        {
            if (_disposed || _pending is not null)
            {
                return; // a trailing render is already due and will show the latest state
            }
            var now = _time.GetTimestamp();
            wait = _lastRender == long.MinValue ? TimeSpan.Zero : _interval - _time.GetElapsedTime(_lastRender, now);
            if (wait <= TimeSpan.Zero)
            {
                _lastRender = now;
                RenderCount++;
            }
            else
            {
                _pending = _time.CreateTimer(_ => Fire(), null, wait, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        _ = _render();
    }

    private void Fire()
    {
        lock (_gate)
        {
            _pending?.Dispose();
            _pending = null;
            if (_disposed)
            {
                return;
            }
            _lastRender = _time.GetTimestamp();
            RenderCount++;
        }
        _ = _render();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _pending?.Dispose();
            _pending = null;
        }
    }
}
