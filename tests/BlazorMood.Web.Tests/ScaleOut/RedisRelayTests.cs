using BlazorMood.Events;
using System.Collections.Concurrent;
using BlazorMood.TestSupport;
using BlazorMood.Web.ScaleOut;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using BlazorMood.Live;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// Two "nodes" (each its own Redis connection, node id and notifier) on the real Redis of
/// scripts/start-test-services.sh: what one publishes reaches the other's subscribers, and every subscriber gets it once.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "MultiNode")]
public sealed class RedisRelayTests : IAsyncLifetime
{
    private readonly RedisTestNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _nodes.CloseAllAsync();
    }

    private async Task<LiveMoodNotifier> NodeAsync()
    {
        var node = await _nodes.StartNodeAsync(s => s.AddDistributedEvent<LiveUpdate>("live").AddSingleton<LiveMoodNotifier>());
        return node.GetRequiredService<LiveMoodNotifier>();
    }

    private static LiveUpdate Update(string session, string label) => new(
        session,
        new FrameResult { Sequence = 7, Status = FrameStatus.Ok, ImageWidth = 320, ImageHeight = 240 },
        new DominantEmotionChanged(session, label, 0.9f, 3, DateTimeOffset.UtcNow));

    [Fact]
    public async Task An_update_published_on_node_A_reaches_subscribers_on_A_and_B_exactly_once_in_order()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var onA = new ConcurrentQueue<LiveUpdate>();
        var onB = new ConcurrentQueue<LiveUpdate>();
        var onBAll = new ConcurrentQueue<LiveUpdate>();
        using var subA = a.Subscribe("s1", u => { onA.Enqueue(u); return Task.CompletedTask; });
        using var subB = b.Subscribe("s1", u => { onB.Enqueue(u); return Task.CompletedTask; });
        using var subBAll = b.SubscribeAll(u => { onBAll.Enqueue(u); return Task.CompletedTask; });

        a.Publish(Update("s1", "happy"));
        a.Publish(Update("s1", "sad"));
        b.Publish(Update("other", "fear"));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((onB.Count < 2 || onBAll.Count < 3) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        // Room for a duplicate to show up, were there one.
        await Task.Delay(300);

        Assert.Equal(["happy", "sad"], onA.Select(u => u.Change!.Label));
        Assert.Equal(["happy", "sad"], onB.Select(u => u.Change!.Label));
        Assert.Equal(3, onBAll.Count);
        var received = onB.First();
        Assert.Equal(FrameStatus.Ok, received.Frame!.Status);
        Assert.Equal(320, received.Frame.ImageWidth);
        Assert.Equal(0.9f, received.Change!.Confidence);
    }

    [Fact]
    public async Task With_Redis_configured_the_scale_out_registers_a_ready_health_check_that_pings_Redis()
    {
        await using var provider = RedisTestNodes.ScaleOutServices();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));

        Assert.Equal(HealthStatus.Healthy, report.Entries["redis"].Status);
    }

    [Fact]
    public void Without_Redis_configuration_nothing_of_Redis_is_registered()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRedisScaleOut(new ConfigurationBuilder().Build(), services.AddSignalR());

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IConnectionMultiplexer));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IEventTransport));
    }
}
