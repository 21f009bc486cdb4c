namespace BlazorMood.Playback.Kiosk;

/// <summary>
/// The live sessions kiosk screens follow. A kiosk's music comes from its room reading alone, so the desk's rule
/// ("the face seen in the last 5 s picks the playlist", see <see cref="LiveContextBridge"/>) must not also feed that
/// session's faces into the recommender: it would play angry music for a grimace while the screen is still reading
/// the room. Counted, because one account may have two kiosk screens open. Thread-safe singleton.
/// </summary>
public sealed class KioskStreams
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _followed = new(StringComparer.Ordinal);

    /// <summary>A kiosk follows <paramref name="sessionId"/> until the returned handle is disposed.</summary>
    public IDisposable Follow(string sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        lock (_lock)
        {
            _followed[sessionId] = _followed.GetValueOrDefault(sessionId) + 1;
        }
        return new Handle(this, sessionId);
    }

    public bool IsKiosk(string sessionId)
    {
        lock (_lock)
        {
            return _followed.ContainsKey(sessionId);
        }
    }

    private void Release(string sessionId)
    {
        lock (_lock)
        {
            if (_followed.TryGetValue(sessionId, out var count))
            {
                if (count <= 1)
                {
                    _followed.Remove(sessionId);
                }
                else
                {
                    _followed[sessionId] = count - 1;
                }
            }
        }
    }

    private sealed class Handle(KioskStreams owner, string sessionId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(sessionId);
            }
        }
    }
}
