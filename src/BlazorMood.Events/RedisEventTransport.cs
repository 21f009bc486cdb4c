using System.Text.Json;
using StackExchange.Redis;

namespace BlazorMood.Events;

/// <summary>This process among the nodes sharing one Redis: tells its own messages apart from the others'.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}

/// <summary>An event type carried between nodes and the name of its Redis channel (after the prefix).</summary>
public sealed record DistributedEventType(Type EventType, string Topic);

/// <summary>A carried event and the node that published it.</summary>
internal sealed record RelayEnvelope<TEvent>(string Origin, TEvent Message);

/// <summary>
/// The one transport between nodes: every distributed event type has a Redis pub/sub channel
/// (<c>&lt;prefix&gt;:&lt;topic&gt;</c>); what this node publishes goes out there, and what the other nodes publish comes back
/// into the bus as <see cref="EventOrigin.Remote"/> (never this node's own: the bus delivered those already). Sending
/// never waits: an event Redis cannot take is dropped and logged, as a subscriber that fell behind would lose it too.
/// Each channel is read through one queue, so a node receives another node's events of a type in their order.
/// </summary>
public sealed partial class RedisEventTransport : IEventTransport, IHostedService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<Type, Route> _routes;
    private readonly IConnectionMultiplexer _redis;
    private readonly NodeIdentity _node;
    private readonly IServiceProvider _services;
    private readonly ILogger<RedisEventTransport> _logger;
    private readonly List<ChannelMessageQueue> _queues = [];
    private readonly Lock _queuesGate = new();

    public RedisEventTransport(IEnumerable<DistributedEventType> types, IOptions<RedisOptions> options, IConnectionMultiplexer redis, NodeIdentity node,
        IServiceProvider services, ILogger<RedisEventTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _node = node;
        _services = services;
        _logger = logger;
        _routes = types.DistinctBy(t => t.EventType).ToDictionary(
            t => t.EventType,
            t => (Route)Activator.CreateInstance(typeof(Route<>).MakeGenericType(t.EventType), options.Value.ChannelPrefix + ":" + t.Topic)!);
    }

    public bool Carries(Type eventType) => _routes.ContainsKey(eventType);

    public void Send<TEvent>(TEvent @event)
        where TEvent : notnull
    {
        if (!_routes.TryGetValue(typeof(TEvent), out var route))
        {
            return;
        }
        var payload = JsonSerializer.Serialize(new RelayEnvelope<TEvent>(_node.Id, @event), Json);
        _ = SendAsync(route.Channel, payload);
    }

    private async Task SendAsync(RedisChannel channel, string payload)
    {
        try
        {
            await _redis.GetSubscriber().PublishAsync(channel, payload).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogSendFailed(_logger, e, channel.ToString());
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bus = _services.GetRequiredService<IEventBus>();
        foreach (var route in _routes.Values)
        {
            // A queue (not a plain handler) keeps the messages of one channel in the order they were published.
            var queue = await _redis.GetSubscriber().SubscribeAsync(route.Channel).ConfigureAwait(false);
            queue.OnMessage(message => route.Receive(message.Message, bus, _node, _logger));
            lock (_queuesGate)
            {
                _queues.Add(queue);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host that stops while the start is still subscribing: take what is there now, the rest stops with it.
        ChannelMessageQueue[] queues;
        lock (_queuesGate)
        {
            queues = [.. _queues];
            _queues.Clear();
        }
        foreach (var queue in queues)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or RedisException)
            {
                // The connection is already closed or lost (a test host's container can dispose it while the host
                // is still stopping, CI saw that once): its subscriptions ended with it, so stopping goes on.
                LogUnsubscribeSkipped(_logger, e, queue.Channel.ToString());
            }
        }
    }

    private abstract class Route(string channel)
    {
        public RedisChannel Channel { get; } = RedisChannel.Literal(channel);

        public abstract void Receive(RedisValue value, IEventBus bus, NodeIdentity node, ILogger logger);
    }

    private sealed class Route<TEvent>(string channel) : Route(channel)
        where TEvent : notnull
    {
        public override void Receive(RedisValue value, IEventBus bus, NodeIdentity node, ILogger logger)
        {
            try
            {
                var envelope = JsonSerializer.Deserialize<RelayEnvelope<TEvent>>(value.ToString(), Json);
                if (envelope is null || envelope.Message is null || envelope.Origin == node.Id)
                {
                    return;
                }
                bus.PublishRemote(envelope.Message);
            }
            catch (JsonException e)
            {
                LogBadMessage(logger, e, Channel.ToString());
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to Redis channel {Channel} failed; the other nodes miss this event")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis channel {Channel} was not unsubscribed at stop: the connection is already closed")]
    private static partial void LogUnsubscribeSkipped(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unreadable message on Redis channel {Channel} was ignored")]
    private static partial void LogBadMessage(ILogger logger, Exception exception, string channel);
}
