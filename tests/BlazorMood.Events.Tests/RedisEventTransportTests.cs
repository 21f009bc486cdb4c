using System.Collections.Concurrent;
using BlazorMood.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Events.Tests;

public sealed record Untravelled(int Number);

/// <summary>
/// Two nodes (each its own services, bus, Redis connection and node id) on the real Redis of
/// scripts/start-test-services.sh: what one publishes reaches the other's subscribers once and in order.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Database")]
public sealed class RedisEventTransportTests : IAsyncLifetime
{
    private readonly string _prefix = "bm-test-" + Guid.NewGuid().ToString("N");
    private readonly List<ServiceProvider> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            foreach (var hosted in node.GetServices<IHostedService>())
            {
                await hosted.StopAsync(CancellationToken.None);
            }
            await node.DisposeAsync();
        }
    }

    private async Task<IEventBus> NodeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = TestServices.Redis,
            ["Redis:ChannelPrefix"] = _prefix,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDistributedEvent<Tick>("ticks");
        services.AddRedisEventTransport(configuration);
        var provider = services.BuildServiceProvider();
        _nodes.Add(provider);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        return provider.GetRequiredService<IEventBus>();
    }

    private static async Task Eventually(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Events_published_on_node_A_reach_node_B_once_in_order_and_are_not_echoed_back_to_A()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var onA = new ConcurrentQueue<Tick>();
        var onB = new ConcurrentQueue<Tick>();
        var remoteOnB = new ConcurrentQueue<Tick>();
        var untravelled = new ConcurrentQueue<Untravelled>();
        using var subA = a.Subscribe<Tick>((t, _) => { onA.Enqueue(t); return ValueTask.CompletedTask; });
        using var subB = b.Subscribe<Tick>((t, _) => { onB.Enqueue(t); return ValueTask.CompletedTask; });
        using var subRemote = b.Subscribe<Tick>((t, _) => { remoteOnB.Enqueue(t); return ValueTask.CompletedTask; },
            options: new EventSubscriptionOptions { Origin = EventOrigin.Remote });
        using var subUntravelled = b.Subscribe<Untravelled>((u, _) => { untravelled.Enqueue(u); return ValueTask.CompletedTask; });

        for (var i = 0; i < 200; i++)
        {
            a.Publish(new Tick("a", i));
        }
        a.Publish(new Untravelled(1));
        b.Publish(new Tick("b", 0));
        await Eventually(() => onB.Count >= 201 && onA.Count >= 201);
        // Room for a duplicate or an echo to show up, were there one.
        await Task.Delay(300);

        Assert.Equal(Enumerable.Range(0, 200), onB.Where(t => t.Key == "a").Select(t => t.Number));
        Assert.Equal(201, onB.Count);
        Assert.Equal(201, onA.Count);
        Assert.Equal(Enumerable.Range(0, 200), onA.Where(t => t.Key == "a").Select(t => t.Number));
        Assert.Equal(200, remoteOnB.Count);
        Assert.All(remoteOnB, t => Assert.Equal("a", t.Key));
        // A type not registered as distributed stays on its node.
        Assert.Empty(untravelled);
    }
}
