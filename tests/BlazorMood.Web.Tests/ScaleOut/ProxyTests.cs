using System.Diagnostics;
using System.Net;
using BlazorMood.Web.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using BlazorMood.Live;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// docker/nginx.conf in front of two web nodes (natively, see <see cref="NginxProxy"/>): what nginx answers itself,
/// a sign-in, an API call and the live hub over a WebSocket through it, and the failover of a signed-in user when
/// the node ip_hash sends them to stops. The test stops a node, so it starts its own pair (in the multi-node
/// collection, so it never runs beside the shared cluster's tests on the two cores).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "MultiNode")]
[Collection(MultiNodeCollection.Name)]
public sealed class ProxyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Through_nginx_a_signed_in_user_uses_the_api_and_the_live_hub_and_keeps_the_sign_in_when_their_node_stops()
    {
        var cluster = await MultiNodeCluster.StartWebPairAsync();
        NginxProxy? proxy = null;
        try
        {
            proxy = await NginxProxy.StartAsync(cluster.A, cluster.B);
            // The two nodes started together on an empty key folder: one key, or a cookie of one is refused by the other.
            Assert.Single(Directory.GetFiles(Path.Combine(cluster.SharedFolder, "keys"), "key-*.xml"));
            using var anonymous = Client(proxy.BaseAddress);

            // Answered by nginx itself, never by a node (a node's /metrics would answer anonymously with these settings).
            using (var health = await anonymous.GetAsync("healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal("{\"status\":\"ok\"}", await health.Content.ReadAsStringAsync());
            }
            using (var metrics = await anonymous.GetAsync("metrics"))
            {
                Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
            }
            Assert.DoesNotContain(proxy.UpstreamsOf("/metrics"), u => u != "-");

            // Sign in and an API call through the proxy.
            var cookie = await NodeProcess.SignInAsync(proxy.BaseAddress, cluster.AdminEmail, cluster.AdminPassword);
            using var signedIn = Client(proxy.BaseAddress, cookie);
            using (var recommend = await signedIn.GetAsync("api/recommend?emotion=happy"))
            {
                Assert.Equal(HttpStatusCode.OK, recommend.StatusCode);
            }
            var upstream = proxy.UpstreamsOf("/api/recommend").Single();
            var chosen = new[] { cluster.A, cluster.B }.Single(n => upstream == $"127.0.0.1:{n.BaseAddress.Port}");
            var other = chosen == cluster.A ? cluster.B : cluster.A;
            output.WriteLine($"ip_hash sends 127.0.0.1 to {chosen.Name} ({upstream})");

            // The live hub over a WebSocket only (no negotiation, no fallback transport): one frame of a face → a result.
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await using var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(proxy.BaseAddress, "hubs/emotion"), HttpTransportType.WebSockets, o =>
                    {
                        o.SkipNegotiation = true;
                        o.Headers["Cookie"] = cookie;
                    })
                    .AddMessagePackProtocol()
                    .Build();
                await hub.StartAsync(cts.Token);
                var result = await hub.InvokeAsync<FrameResult>("AnalyzeFrame", 1L, TestFrames.Astronaut, cts.Token);
                Assert.Equal(FrameStatus.Ok, result.Status);
                Assert.NotEmpty(result.Faces);
                Assert.Equal("happy", result.Dominant?.Label);
            }

            // Failover: the chosen node stops; nginx sends the same cookie to the other node, which accepts it (one key ring).
            await chosen.KillAsync();
            var clock = Stopwatch.StartNew();
            HttpStatusCode status = default;
            var tries = new List<string>();
            for (var attempt = 0; attempt < 10; attempt++)
            {
                using var after = await signedIn.GetAsync("api/videos");
                status = after.StatusCode;
                tries.Add($"{(int)status} at {clock.Elapsed.TotalSeconds:F1} s");
                if (status == HttpStatusCode.OK)
                {
                    break;
                }
                await Task.Delay(500);
            }
            output.WriteLine($"after {chosen.Name} stopped: {string.Join(", ", tries)}; upstreams {string.Join(" | ", proxy.UpstreamsOf("/api/videos"))}");
            Assert.True(status == HttpStatusCode.OK, $"after {chosen.Name} stopped, /api/videos answered {string.Join(", ", tries)}");
            Assert.EndsWith($"127.0.0.1:{other.BaseAddress.Port}", proxy.UpstreamsOf("/api/videos")[^1], StringComparison.Ordinal);

            // Without the cookie the other node refuses: the 200 above is the sign-in made before the failover.
            using (var refused = await anonymous.GetAsync("api/videos"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
        }
        catch (Exception failure)
        {
            output.WriteLine(cluster.Output());
            if (proxy is not null)
            {
                output.WriteLine(proxy.Output());
                output.WriteLine($"upstream log: {string.Join(" ; ", proxy.Lines())}");
            }
            // Last, so that a log cut to its tail (as CI prints it) still shows what failed.
            output.WriteLine($"FAILED: {failure.GetType().Name}: {failure.Message}");
            throw;
        }
        finally
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }
            await cluster.DisposeAsync();
        }
    }

    private static HttpClient Client(Uri baseAddress, string? cookie = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (cookie is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", cookie);
        }
        return client;
    }
}
