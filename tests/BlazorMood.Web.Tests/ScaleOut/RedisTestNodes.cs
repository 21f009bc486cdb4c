using BlazorMood.TestSupport;
using BlazorMood.Web.ScaleOut;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// What the relay tests share: one Redis connection per simulated node (each node of a deployment has its own), all
/// closed at the end, and the scale-out registration as a node with <c>Redis:Configuration</c> set makes it.
/// </summary>
internal sealed class RedisTestNodes
{
    private readonly List<IConnectionMultiplexer> _connections = [];
    private readonly List<ServiceProvider> _nodes = [];

    /// <summary>The channel prefix of this test's nodes: tests running side by side on one Redis never hear each other.</summary>
    public string Prefix { get; } = "bm-test-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// One node: its own services (an event bus, the Redis transport, its own connection and node id) as
    /// <see cref="ScaleOutServiceCollectionExtensions.AddRedisScaleOut"/> registers them with <paramref name="configure"/>'s
    /// features, and its hosted services started (the transport subscribes to Redis).
    /// </summary>
    public async Task<ServiceProvider> StartNodeAsync(Action<IServiceCollection> configure)
    {
        var provider = ScaleOutServices(configure, Prefix);
        _nodes.Add(provider);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        return provider;
    }

    /// <summary>A new connection to the test Redis, closed by <see cref="CloseAllAsync"/>.</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
        _connections.Add(redis);
        return redis;
    }

    /// <summary>Closes every connection made (the test class calls it from its own clean-up).</summary>
    public async Task CloseAllAsync()
    {
        foreach (var node in _nodes)
        {
            foreach (var hosted in node.GetServices<IHostedService>())
            {
                await hosted.StopAsync(CancellationToken.None);
            }
            await node.DisposeAsync();
        }
        foreach (var redis in _connections)
        {
            await redis.DisposeAsync();
        }
    }

    /// <summary>The services <see cref="ScaleOutServiceCollectionExtensions.AddRedisScaleOut"/> registers with the test Redis configured (plus <paramref name="configure"/>'s own).</summary>
    public static ServiceProvider ScaleOutServices(Action<IServiceCollection>? configure = null, string prefix = "blazormood")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = TestServices.Redis,
            ["Redis:ChannelPrefix"] = prefix,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        services.AddRedisScaleOut(configuration, services.AddSignalR());
        return services.BuildServiceProvider();
    }

    /// <summary>Waits up to 10 s for a condition that another node's message makes true; the caller asserts afterwards.</summary>
    public static async Task WaitForAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }
}
