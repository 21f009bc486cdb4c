using System.Text.Json;
using StackExchange.Redis;

namespace BlazorMood.Web.ScaleOut;

/// <summary>This process among the nodes sharing one Redis: tells its own messages apart from the others'.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}

/// <summary>A relayed message and the node that published it.</summary>
internal sealed record RelayEnvelope<TMessage>(string Origin, TMessage Message);

/// <summary>
/// Sends a notifier's messages to the other nodes over one Redis pub/sub channel and hands theirs to
/// <paramref name="deliverLocal"/> (never its own: the publishing node delivered them already). Sending never waits:
/// a live update that Redis cannot take is dropped and logged, as a slow subscriber would miss it too.
/// </summary>
internal sealed partial class RedisRelay<TMessage>(
    string channel,
    Action<TMessage> deliverLocal,
    IConnectionMultiplexer redis,
    NodeIdentity node,
    ILogger logger) : IRelay<TMessage>, IHostedService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly RedisChannel _channel = RedisChannel.Literal(channel);
    private ChannelMessageQueue? _queue;

    public void Send(TMessage message)
    {
        var payload = JsonSerializer.Serialize(new RelayEnvelope<TMessage>(node.Id, message), Json);
        _ = SendAsync(payload);
    }

    private async Task SendAsync(string payload)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(_channel, payload).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogSendFailed(logger, e, channel);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A queue (not a plain handler) keeps the messages of one channel in the order they were published.
        _queue = await redis.GetSubscriber().SubscribeAsync(_channel).ConfigureAwait(false);
        _queue.OnMessage(message => Receive(message.Message));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is { } queue)
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    private void Receive(RedisValue value)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<RelayEnvelope<TMessage>>(value.ToString(), Json);
            if (envelope is null || envelope.Origin == node.Id)
            {
                return;
            }
            deliverLocal(envelope.Message);
        }
        catch (JsonException e)
        {
            LogBadMessage(logger, e, channel);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to Redis channel {Channel} failed; the other nodes miss this message")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An unreadable message on Redis channel {Channel} was ignored")]
    private static partial void LogBadMessage(ILogger logger, Exception exception, string channel);
}
