using BlazorMood.Events;

namespace BlazorMood.Live;

/// <summary>A change of a session's dominant emotion (or a periodic repeat of an unchanged one).</summary>
public sealed record DominantEmotionChanged(string SessionId, string Label, float Confidence, int TrackId, DateTimeOffset OccurredAt);

/// <summary>Something that happened in a session's live stream: a frame result, a dominant-emotion change, or both.</summary>
public sealed record LiveUpdate(string SessionId, FrameResult? Frame, DominantEmotionChanged? Change);

/// <summary>
/// Live updates per session, on the event bus: Blazor components, the SSE endpoint, the kiosk and the recommender
/// bridge subscribe; the frame processor publishes. Each subscriber gets its session's updates in order from its own
/// bounded queue (a slow one loses the oldest, counted and logged), so the frame reply never waits for a UI; with Redis
/// configured the bus carries them to the subscribers on the other nodes.
/// </summary>
public sealed class LiveMoodNotifier(IEventBus bus)
{
    /// <summary>Queued updates per subscriber: at 10 frames a second, 25 s of a session's updates.</summary>
    public const int SubscriberCapacity = 256;

    /// <summary>
    /// Calls <paramref name="handler"/> for every update of <paramref name="sessionId"/>, in order, until the result is
    /// disposed; <paramref name="delivery"/> <see cref="EventDelivery.Inline"/> is for short synchronous handlers.
    /// </summary>
    public IDisposable Subscribe(string sessionId, Func<LiveUpdate, Task> handler, EventDelivery delivery = EventDelivery.Queued)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentNullException.ThrowIfNull(handler);
        return bus.Subscribe<LiveUpdate>(sessionId, u => u.SessionId, (u, _) => new ValueTask(handler(u)),
            new EventSubscriptionOptions { Capacity = SubscriberCapacity, Delivery = delivery, Name = "live session" });
    }

    /// <summary>Calls <paramref name="handler"/> for every update of every session, in order, until the result is disposed.</summary>
    public IDisposable SubscribeAll(Func<LiveUpdate, Task> handler, EventDelivery delivery = EventDelivery.Queued)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return bus.Subscribe<LiveUpdate>((u, _) => new ValueTask(handler(u)),
            options: new EventSubscriptionOptions { Capacity = SubscriberCapacity, Delivery = delivery, Name = "live, every session" });
    }

    public int SubscriberCount(string sessionId) => bus.SubscriberCount<LiveUpdate>(sessionId);

    /// <summary>Delivers <paramref name="update"/> to the session's subscribers on every node.</summary>
    public void Publish(LiveUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        bus.Publish(update);
    }
}
