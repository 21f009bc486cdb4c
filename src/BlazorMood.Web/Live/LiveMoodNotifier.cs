using System.Collections.Concurrent;
using BlazorMood.Web.ScaleOut;

namespace BlazorMood.Web.Live;

/// <summary>A change of a session's dominant emotion (or a periodic repeat of an unchanged one).</summary>
public sealed record DominantEmotionChanged(string SessionId, string Label, float Confidence, int TrackId, DateTimeOffset OccurredAt);

/// <summary>Something that happened in a session's live stream: a frame result, a dominant-emotion change, or both.</summary>
public sealed record LiveUpdate(string SessionId, FrameResult? Frame, DominantEmotionChanged? Change);

/// <summary>
/// In-process publish/subscribe of live updates per session. Blazor components and the SSE endpoint subscribe;
/// the frame processor publishes. Handlers run without blocking the publisher (the frame reply never waits for a UI).
/// </summary>
public sealed partial class LiveMoodNotifier(ILogger<LiveMoodNotifier> logger, IEnumerable<IRelay<LiveUpdate>> relays)
{
    // Other nodes' notifiers (Redis pub/sub when Redis:Configuration is set); none in a single process.
    private readonly IRelay<LiveUpdate>[] _relays = [.. relays];

    public LiveMoodNotifier(ILogger<LiveMoodNotifier> logger)
        : this(logger, [])
    {
    }

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _bySession = new(StringComparer.Ordinal);

    // Observers of every session (e.g. the recommendation context bridge), which cannot know session ids in advance.
    private readonly ConcurrentDictionary<Subscription, byte> _all = new();

    /// <summary>Calls <paramref name="handler"/> for every update of <paramref name="sessionId"/> until the result is disposed.</summary>
    public IDisposable Subscribe(string sessionId, Func<LiveUpdate, Task> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, sessionId, handler);
        _bySession.GetOrAdd(sessionId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    /// <summary>Calls <paramref name="handler"/> for every update of every session until the result is disposed.</summary>
    public IDisposable SubscribeAll(Func<LiveUpdate, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, null, handler);
        _all.TryAdd(subscription, 0);
        return subscription;
    }

    public int SubscriberCount(string sessionId) => _bySession.TryGetValue(sessionId, out var subs) ? subs.Count : 0;

    /// <summary>Delivers <paramref name="update"/> to this node's subscribers and sends it to the other nodes.</summary>
    public void Publish(LiveUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        PublishLocal(update);
        foreach (var relay in _relays)
        {
            relay.Send(update);
        }
    }

    /// <summary>Delivers <paramref name="update"/> to this node's subscribers only (an update that came from another node).</summary>
    public void PublishLocal(LiveUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (var subscription in _all.Keys)
        {
            _ = InvokeAsync(subscription, update);
        }
        if (!_bySession.TryGetValue(update.SessionId, out var subs))
        {
            return;
        }
        foreach (var subscription in subs.Keys)
        {
            _ = InvokeAsync(subscription, update);
        }
    }

    private async Task InvokeAsync(Subscription subscription, LiveUpdate update)
    {
        try
        {
            await subscription.Handler(update);
        }
        catch (Exception e)
        {
            LogHandlerFailed(logger, e, update.SessionId);
        }
    }

    private void Remove(Subscription subscription)
    {
        if (subscription.SessionId is null)
        {
            _all.TryRemove(subscription, out _);
            return;
        }
        if (_bySession.TryGetValue(subscription.SessionId, out var subs))
        {
            subs.TryRemove(subscription, out _);
            if (subs.IsEmpty)
            {
                _bySession.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Subscription, byte>>(subscription.SessionId, subs));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live update handler of session {SessionId} failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string sessionId);

    private sealed class Subscription(LiveMoodNotifier owner, string? sessionId, Func<LiveUpdate, Task> handler) : IDisposable
    {
        /// <summary>Null for a subscription to every session.</summary>
        public string? SessionId { get; } = sessionId;

        public Func<LiveUpdate, Task> Handler { get; } = handler;

        public void Dispose() => owner.Remove(this);
    }
}
