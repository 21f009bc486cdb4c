using System.Collections.Concurrent;
using BlazorMood.Music.Curation;
using BlazorMood.TestSupport;
using BlazorMood.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// Track-analysis progress between two "nodes" (each its own Redis connection, node id and notifier) on the real Redis
/// of scripts/start-test-services.sh: what the worker node reports reaches the web node's Admin page subscribers once,
/// in order, and the web node's notifier knows the track's latest state.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "MultiNode")]
public sealed class AnalysisRelayTests : IAsyncLifetime
{
    private readonly RedisTestNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _nodes.CloseAllAsync();
    }

    private async Task<TrackAnalysisNotifier> NodeAsync()
    {
        var node = await _nodes.StartNodeAsync(s => s.AddCurationEvents().AddSingleton<TrackAnalysisNotifier>());
        return node.GetRequiredService<TrackAnalysisNotifier>();
    }

    [Fact]
    public async Task Progress_reported_on_the_worker_node_reaches_the_web_node_exactly_once_in_order()
    {
        var worker = await NodeAsync();
        var web = await NodeAsync();
        var onWorker = new ConcurrentQueue<TrackAnalysisUpdate>();
        var onWeb = new ConcurrentQueue<TrackAnalysisUpdate>();
        worker.Updated += onWorker.Enqueue;
        web.Updated += onWeb.Enqueue;
        var at = DateTimeOffset.UtcNow;

        worker.Report(new TrackAnalysisUpdate("t1", TrackAnalysisPhase.Queued, 0, null, null, at));
        worker.Report(new TrackAnalysisUpdate("t1", TrackAnalysisPhase.Analysing, 0.25, null, null, at.AddSeconds(1)));
        worker.Report(new TrackAnalysisUpdate("t1", TrackAnalysisPhase.Analysing, 0.5, null, null, at.AddSeconds(2)));
        worker.Report(new TrackAnalysisUpdate("t2", TrackAnalysisPhase.Queued, 0, null, null, at.AddSeconds(2)));
        worker.Report(new TrackAnalysisUpdate("t1", TrackAnalysisPhase.Done, 1, 128.5, null, at.AddSeconds(3)));

        await RedisTestNodes.WaitForAsync(() => onWeb.Count >= 5);
        // Room for a duplicate (or an echo back to the worker) to show up, were there one.
        await Task.Delay(300);

        Assert.Equal(
            [(TrackAnalysisPhase.Queued, 0.0), (TrackAnalysisPhase.Analysing, 0.25), (TrackAnalysisPhase.Analysing, 0.5), (TrackAnalysisPhase.Queued, 0.0), (TrackAnalysisPhase.Done, 1.0)],
            onWeb.Select(u => (u.Phase, u.Progress)));
        Assert.Equal(5, onWorker.Count);
        var done = web.Find("t1");
        Assert.NotNull(done);
        Assert.Equal(TrackAnalysisPhase.Done, done.Phase);
        Assert.Equal(128.5, done.Bpm);
        Assert.Equal(at.AddSeconds(3), done.At);
        // The web node's Admin page lists what is still waiting on the worker.
        Assert.Equal(["t2"], web.Pending.Select(u => u.TrackId));
    }

    [Fact]
    public async Task A_failure_reported_on_the_worker_node_carries_its_error_to_the_web_node()
    {
        var worker = await NodeAsync();
        var web = await NodeAsync();
        var onWeb = new ConcurrentQueue<TrackAnalysisUpdate>();
        web.Updated += onWeb.Enqueue;

        worker.Report(new TrackAnalysisUpdate("bad", TrackAnalysisPhase.Failed, 1, null, "The audio file is empty.", DateTimeOffset.UtcNow));

        await RedisTestNodes.WaitForAsync(() => !onWeb.IsEmpty);
        var failed = Assert.Single(onWeb);
        Assert.Equal(TrackAnalysisPhase.Failed, failed.Phase);
        Assert.Equal("The audio file is empty.", failed.Error);
    }

    [Fact]
    public void With_Redis_configured_the_scale_out_bridges_the_analysis_notifier()
    {
        using var provider = RedisTestNodes.ScaleOutServices(s => s.AddCurationEvents().AddSingleton<TrackAnalysisNotifier>());

        Assert.Single(provider.GetServices<ITrackAnalysisRelay>());
        Assert.True(provider.GetRequiredService<IEventTransport>().Carries(typeof(TrackAnalysisUpdate)));
    }
}
