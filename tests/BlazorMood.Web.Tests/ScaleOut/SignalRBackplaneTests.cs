using System.Collections.Concurrent;
using BlazorMood.Music.Curation;
using BlazorMood.TestSupport;
using BlazorMood.Web.Live;
using BlazorMood.Web.Tests.E2E;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Live;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// SignalR's Redis backplane between real app hosts on Kestrel, on the Redis of scripts/start-test-services.sh: a hub
/// message sent through node A's <see cref="IHubContext{THub}"/> reaches a client connected to the live hub on node B
/// when both use the same <c>Redis:ChannelPrefix</c>, and never a client on a node with another prefix. Each node has
/// its own SQLite database (the backplane needs none shared); the clients sign in with their node's API token, which
/// does not depend on shared Data Protection keys. The same hosts also carry track-analysis progress from one node's
/// notifier to the other's (the real app's wiring of the analysis relay).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "MultiNode")]
public sealed class SignalRBackplaneTests : IDisposable
{
    private const string Probe = "BackplaneProbe";

    private readonly string _prefix = "bm-test-" + Guid.NewGuid().ToString("N");
    private readonly List<IDisposable> _servers = [];

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }

    private RestartableServer StartNode(string prefix)
    {
        var server = new RestartableServer(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = TestServices.Redis,
            ["Redis:ChannelPrefix"] = prefix,
        });
        _servers.Add(server);
        server.Start();
        return server;
    }

    /// <summary>A MessagePack client on <paramref name="server"/>'s live hub, signed in with its admin's token, that records every probe it gets.</summary>
    private static async Task<(HubConnection Connection, ConcurrentQueue<string> Received)> ConnectAsync(RestartableServer server)
    {
        var token = server.Admin.Token;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/emotion"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddMessagePackProtocol()
            .Build();
        var received = new ConcurrentQueue<string>();
        connection.On<string>(Probe, received.Enqueue);
        await connection.StartAsync();
        return (connection, received);
    }

    private static IHubContext<EmotionHub> Hub(RestartableServer server) => server.Services.GetRequiredService<IHubContext<EmotionHub>>();

    /// <summary>
    /// Sends <paramref name="send"/> every 200 ms until <paramref name="received"/> holds <paramref name="expected"/>
    /// (the backplane subscribes a new connection's user channel asynchronously, so the first send may precede it).
    /// </summary>
    private static async Task<bool> SendUntilReceivedAsync(Func<Task> send, ConcurrentQueue<string> received, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await send();
            for (var i = 0; i < 10; i++)
            {
                if (received.Contains(expected))
                {
                    return true;
                }
                await Task.Delay(20);
            }
        }
        return received.Contains(expected);
    }

    [Fact]
    public async Task A_hub_message_sent_on_node_A_reaches_a_client_on_node_B_with_the_same_prefix_and_not_one_on_another_prefix()
    {
        var a = StartNode(_prefix);
        var b = StartNode(_prefix);
        var other = StartNode(_prefix + "-other");
        var (onB, receivedOnB) = await ConnectAsync(b);
        var (onOther, receivedOnOther) = await ConnectAsync(other);
        await using var disposeB = onB;
        await using var disposeOther = onOther;
        var userOnB = b.Admin.Id;
        var userOnOther = other.Admin.Id;

        // To B's signed-in user through A: A has no connection of that user, only the backplane can deliver it.
        var toUser = "user:" + Guid.NewGuid().ToString("N");
        Assert.True(
            await SendUntilReceivedAsync(() => Hub(a).Clients.User(userOnB).SendAsync(Probe, toUser), receivedOnB, toUser, TimeSpan.FromSeconds(15)),
            "A message to B's user sent through node A never reached B's hub client.");

        // To every connection of every node: B's client gets it, the node on another prefix does not.
        var toAll = "all:" + Guid.NewGuid().ToString("N");
        Assert.True(
            await SendUntilReceivedAsync(() => Hub(a).Clients.All.SendAsync(Probe, toAll), receivedOnB, toAll, TimeSpan.FromSeconds(15)),
            "A message to all sent through node A never reached B's hub client.");

        // Negative control: the other-prefix node is live (its own hub context reaches its client), yet nothing of A's
        // arrived, neither the broadcast nor a message addressed to its own user.
        var toOtherUser = "other-user:" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 5; i++)
        {
            await Hub(a).Clients.User(userOnOther).SendAsync(Probe, toOtherUser);
            await Hub(a).Clients.All.SendAsync(Probe, toAll);
            await Task.Delay(100);
        }
        var local = "local:" + Guid.NewGuid().ToString("N");
        Assert.True(
            await SendUntilReceivedAsync(() => Hub(other).Clients.All.SendAsync(Probe, local), receivedOnOther, local, TimeSpan.FromSeconds(10)),
            "The other-prefix node's own broadcast never reached its client: the negative control proves nothing.");
        // Time enough for a late backplane message, were one on its way.
        await Task.Delay(500);
        Assert.DoesNotContain(receivedOnOther, m => m == toAll || m == toOtherUser || m == toUser);
        Assert.All(receivedOnOther, m => Assert.Equal(local, m));
        Assert.Contains(toUser, receivedOnB);
    }

    [Fact]
    public async Task Analysis_progress_reported_in_app_host_A_reaches_the_notifier_of_app_host_B()
    {
        var worker = StartNode(_prefix);
        var web = StartNode(_prefix);
        var onWeb = new ConcurrentQueue<TrackAnalysisUpdate>();
        var notifierOnWeb = web.Services.GetRequiredService<TrackAnalysisNotifier>();
        notifierOnWeb.Updated += onWeb.Enqueue;
        var trackId = "relay-" + Guid.NewGuid().ToString("N")[..8];

        worker.Services.GetRequiredService<TrackAnalysisNotifier>()
            .Report(new TrackAnalysisUpdate(trackId, TrackAnalysisPhase.Analysing, 0.4, null, null, DateTimeOffset.UtcNow));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!onWeb.Any(u => u.TrackId == trackId) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await Task.Delay(300);
        var received = Assert.Single(onWeb, u => u.TrackId == trackId);
        Assert.Equal(0.4, received.Progress);
        Assert.Equal(TrackAnalysisPhase.Analysing, notifierOnWeb.Find(trackId)?.Phase);
    }
}
