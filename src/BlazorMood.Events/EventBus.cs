using System.Collections.Immutable;
using System.Threading.Channels;

namespace BlazorMood.Events;

/// <summary>Where an event was published: on this node, or on another node and carried here by a transport.</summary>
public enum EventOrigin
{
    Local,
    Remote,
}

/// <summary>What happens to a subscriber whose queue is full because its handler is slower than the publishers.</summary>
public enum SlowSubscriberPolicy
{
    /// <summary>The oldest queued event is dropped for the newest (counted and logged); the subscription lives on.</summary>
    DropOldest,

    /// <summary>The subscription ends (logged): it gets no further events and <see cref="IEventSubscription.Completion"/> ends.</summary>
    Disconnect,
}

/// <summary>How a subscriber's handler is called.</summary>
public enum EventDelivery
{
    /// <summary>From the subscriber's own bounded queue, one event at a time, by a reader of its own (the default).</summary>
    Queued,

    /// <summary>
    /// On the publisher's thread, in publication order, before <c>Publish</c> returns: for short synchronous handlers
    /// (a store write, a state update) that must see an event at once. A handler that does not complete synchronously
    /// is not waited for.
    /// </summary>
    Inline,
}

/// <summary>How one subscription queues and which events it takes.</summary>
public sealed record EventSubscriptionOptions
{
    public static EventSubscriptionOptions Default { get; } = new();

    /// <summary>Events queued for the handler at most; beyond it <see cref="Policy"/> applies.</summary>
    public int Capacity { get; init; } = 256;

    public SlowSubscriberPolicy Policy { get; init; } = SlowSubscriberPolicy.DropOldest;

    public EventDelivery Delivery { get; init; } = EventDelivery.Queued;

    /// <summary>Only events from this origin; null takes both.</summary>
    public EventOrigin? Origin { get; init; }

    /// <summary>Named in the log lines about this subscription (e.g. "live:session").</summary>
    public string Name { get; init; } = "subscriber";
}

/// <summary>A running subscription; disposing it stops delivery (queued events are discarded).</summary>
public interface IEventSubscription : IDisposable
{
    /// <summary>Events dropped because the handler fell behind (policy <see cref="SlowSubscriberPolicy.DropOldest"/>).</summary>
    long Dropped { get; }

    /// <summary>Ends when the subscription is disposed or disconnected.</summary>
    Task Completion { get; }
}

/// <summary>
/// Typed in-process publish/subscribe. Every subscription has its own bounded queue and one reader, so a subscriber
/// gets the events of a type in the order they were published, one handler call at a time, and a slow subscriber
/// never blocks the publisher or the other subscribers. Events of a type registered as distributed also go to the
/// other nodes through the transport, which hands theirs back with <see cref="PublishRemote{TEvent}"/>.
/// </summary>
public interface IEventBus
{
    /// <summary>Queues <paramref name="event"/> for this node's subscribers and sends it to the other nodes.</summary>
    void Publish<TEvent>(TEvent @event)
        where TEvent : notnull;

    /// <summary>Queues an event that came from another node for this node's subscribers (never sent on again).</summary>
    void PublishRemote<TEvent>(TEvent @event)
        where TEvent : notnull;

    /// <summary>Calls <paramref name="handler"/> for each event that passes <paramref name="filter"/>, in publication order.</summary>
    IEventSubscription Subscribe<TEvent>(Func<TEvent, CancellationToken, ValueTask> handler, Func<TEvent, bool>? filter = null, EventSubscriptionOptions? options = null)
        where TEvent : notnull;

    /// <summary>Running subscriptions to <typeparamref name="TEvent"/> whose <c>key</c> (see the subscribe overload with a key) is <paramref name="key"/>.</summary>
    int SubscriberCount<TEvent>(string key)
        where TEvent : notnull;
}

/// <summary>Sends events of the distributed types to the other nodes.</summary>
public interface IEventTransport
{
    /// <summary>True when <paramref name="eventType"/> is carried between nodes.</summary>
    bool Carries(Type eventType);

    /// <summary>Sends without waiting; an event the transport cannot take is dropped and logged by the transport.</summary>
    void Send<TEvent>(TEvent @event)
        where TEvent : notnull;
}

public static class EventBusExtensions
{
    /// <summary>A subscription with a key (e.g. a session or owner id) that <see cref="IEventBus.SubscriberCount{TEvent}"/> counts.</summary>
    public static IEventSubscription Subscribe<TEvent>(this IEventBus bus, string key, Func<TEvent, string> keyOf, Func<TEvent, CancellationToken, ValueTask> handler, EventSubscriptionOptions? options = null)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(keyOf);
        return bus is EventBus concrete
            ? concrete.Subscribe(handler, e => string.Equals(keyOf(e), key, StringComparison.Ordinal), options, key)
            : bus.Subscribe(handler, e => string.Equals(keyOf(e), key, StringComparison.Ordinal), options);
    }
}

public sealed partial class EventBus : IEventBus, IDisposable
{
    private readonly Dictionary<Type, object> _topics = [];
    private readonly Lock _topicsGate = new();
    private readonly IEventTransport[] _transports;
    private readonly ILogger<EventBus> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public EventBus(ILogger<EventBus> logger, IEnumerable<IEventTransport> transports)
    {
        ArgumentNullException.ThrowIfNull(transports);
        _logger = logger;
        _transports = [.. transports];
    }

    public EventBus(ILogger<EventBus> logger)
        : this(logger, [])
    {
    }

    public void Publish<TEvent>(TEvent @event)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        Topic<TEvent>()?.Deliver(@event, EventOrigin.Local);
        foreach (var transport in _transports)
        {
            if (transport.Carries(typeof(TEvent)))
            {
                transport.Send(@event);
            }
        }
    }

    public void PublishRemote<TEvent>(TEvent @event)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        Topic<TEvent>()?.Deliver(@event, EventOrigin.Remote);
    }

    public IEventSubscription Subscribe<TEvent>(Func<TEvent, CancellationToken, ValueTask> handler, Func<TEvent, bool>? filter = null, EventSubscriptionOptions? options = null)
        where TEvent : notnull => Subscribe(handler, filter, options, key: null);

    internal IEventSubscription Subscribe<TEvent>(Func<TEvent, CancellationToken, ValueTask> handler, Func<TEvent, bool>? filter, EventSubscriptionOptions? options, string? key)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= EventSubscriptionOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        var topic = Topic<TEvent>(create: true)!;
        var subscription = new Subscription<TEvent>(this, topic, handler, filter, options, key);
        topic.Add(subscription);
        subscription.Start(_stopping.Token);
        return subscription;
    }

    public int SubscriberCount<TEvent>(string key)
        where TEvent : notnull => Topic<TEvent>()?.Count(key) ?? 0;

    /// <summary>Stops every subscription's reader (a container may dispose the bus under each name it is registered by).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
        }
    }

    private TopicOf<TEvent>? Topic<TEvent>(bool create = false)
        where TEvent : notnull
    {
        lock (_topicsGate)
        {
            if (_topics.TryGetValue(typeof(TEvent), out var existing))
            {
                return (TopicOf<TEvent>)existing;
            }
            if (!create)
            {
                return null;
            }
            var topic = new TopicOf<TEvent>();
            _topics.Add(typeof(TEvent), topic);
            return topic;
        }
    }

    /// <summary>The subscriptions to one event type.</summary>
    private sealed class TopicOf<TEvent>
        where TEvent : notnull
    {
        // Replaced whole under the gate, read without it: delivery never sees a half-updated list.
        private ImmutableArray<Subscription<TEvent>> _subscriptions = [];
        private readonly Lock _gate = new();

        public void Add(Subscription<TEvent> subscription)
        {
            lock (_gate)
            {
                _subscriptions = _subscriptions.Add(subscription);
            }
        }

        public void Remove(Subscription<TEvent> subscription)
        {
            lock (_gate)
            {
                _subscriptions = _subscriptions.Remove(subscription);
            }
        }

        public int Count(string key)
        {
            var count = 0;
            foreach (var s in _subscriptions)
            {
                if (string.Equals(s.Key, key, StringComparison.Ordinal))
                {
                    count++;
                }
            }
            return count;
        }

        public void Deliver(TEvent @event, EventOrigin origin)
        {
            // One publication at a time per type: every subscriber sees the events of a type in the same order, even
            // when several threads publish. Offering is a non-blocking queue write, so the gate is held briefly.
            lock (_gate)
            {
                foreach (var subscription in _subscriptions)
                {
                    subscription.Offer(@event, origin);
                }
            }
        }
    }

    private sealed class Subscription<TEvent> : IEventSubscription
        where TEvent : notnull
    {
        private readonly EventBus _bus;
        private readonly TopicOf<TEvent> _topic;
        private readonly Func<TEvent, CancellationToken, ValueTask> _handler;
        private readonly Func<TEvent, bool>? _filter;
        private readonly EventSubscriptionOptions _options;
        private readonly Channel<TEvent> _queue;
        private readonly CancellationTokenSource _stop = new();
        private long _dropped;
        private int _disposed;
        private Task _pump = Task.CompletedTask;

        public Subscription(EventBus bus, TopicOf<TEvent> topic, Func<TEvent, CancellationToken, ValueTask> handler, Func<TEvent, bool>? filter,
            EventSubscriptionOptions options, string? key)
        {
            _bus = bus;
            _topic = topic;
            _handler = handler;
            _filter = filter;
            _options = options;
            Key = key;
            var channel = new BoundedChannelOptions(options.Capacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = options.Policy == SlowSubscriberPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            };
            _queue = options.Policy == SlowSubscriberPolicy.DropOldest
                ? Channel.CreateBounded<TEvent>(channel, OnDropped)
                : Channel.CreateBounded<TEvent>(channel);
        }

        public string? Key { get; }

        public long Dropped => Interlocked.Read(ref _dropped);

        public Task Completion => _pump;

        public void Start(CancellationToken stopping)
        {
            if (_options.Delivery == EventDelivery.Inline)
            {
                return;
            }
            var token = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token).Token;
            _pump = Task.Run(() => PumpAsync(token), CancellationToken.None);
        }

        public void Offer(TEvent @event, EventOrigin origin)
        {
            if (_options.Origin is { } wanted && wanted != origin)
            {
                return;
            }
            try
            {
                if (_filter is not null && !_filter(@event))
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFilterFailed(_bus._logger, e, typeof(TEvent).Name, _options.Name);
                return;
            }
            if (_options.Delivery == EventDelivery.Inline)
            {
                InvokeInline(@event);
                return;
            }
            if (!_queue.Writer.TryWrite(@event) && _options.Policy == SlowSubscriberPolicy.Disconnect && Volatile.Read(ref _disposed) == 0)
            {
                LogDisconnected(_bus._logger, typeof(TEvent).Name, _options.Name, _options.Capacity);
                Dispose();
            }
        }

        private void InvokeInline(TEvent @event)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            try
            {
                var pending = _handler(@event, _stop.Token);
                if (!pending.IsCompletedSuccessfully)
                {
                    _ = ObserveAsync(pending);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogHandlerFailed(_bus._logger, e, typeof(TEvent).Name, _options.Name);
            }
        }

        private async Task ObserveAsync(ValueTask pending)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogHandlerFailed(_bus._logger, e, typeof(TEvent).Name, _options.Name);
            }
        }

        private void OnDropped(TEvent dropped)
        {
            var count = Interlocked.Increment(ref _dropped);
            // The first drop and then every hundredth: a subscriber that stays behind does not flood the log.
            if (count == 1 || count % 100 == 0)
            {
                LogDropped(_bus._logger, typeof(TEvent).Name, _options.Name, count, _options.Capacity);
            }
        }

        private async Task PumpAsync(CancellationToken ct)
        {
            try
            {
                await foreach (var @event in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    try
                    {
                        await _handler(@event, ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        LogHandlerFailed(_bus._logger, e, typeof(TEvent).Name, _options.Name);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            _topic.Remove(this);
            _queue.Writer.TryComplete();
            _stop.Cancel();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} subscriber {Subscriber} fell behind: {Dropped} event(s) dropped so far (queue of {Capacity})")]
    private static partial void LogDropped(ILogger logger, string eventType, string subscriber, long dropped, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} subscriber {Subscriber} fell behind a full queue of {Capacity} and was disconnected")]
    private static partial void LogDisconnected(ILogger logger, string eventType, string subscriber, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {EventType} handler of {Subscriber} failed; the next event is delivered as usual")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventType, string subscriber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {EventType} filter of {Subscriber} failed; the event was not delivered to it")]
    private static partial void LogFilterFailed(ILogger logger, Exception exception, string eventType, string subscriber);
}
