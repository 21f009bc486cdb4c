using BlazorMood.Hosting;
using BlazorMood.Events;
using BlazorMood.Web.Operations;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace BlazorMood.Web.ScaleOut;

public static class ScaleOutServiceCollectionExtensions
{
    /// <summary>
    /// With <c>Redis:Configuration</c> set: the event bus's Redis transport (live updates, video job changes, track
    /// analysis progress and "curation changed" published on one node reach the subscribers of every node, once),
    /// SignalR's Redis backplane for the hubs, and a Redis health check tagged "ready". Without it nothing is
    /// registered: one process, no Redis.
    /// </summary>
    public static IServiceCollection AddRedisScaleOut(this IServiceCollection services, IConfiguration configuration, ISignalRServerBuilder signalR)
    {
        ArgumentNullException.ThrowIfNull(signalR);
        var options = services.AddRedisEventTransport(configuration);
        if (!options.Enabled)
        {
            return services;
        }
        signalR.AddStackExchangeRedis(options.Configuration!, o =>
        {
            o.Configuration.AbortOnConnectFail = false;
            o.Configuration.ChannelPrefix = RedisChannel.Literal(options.ChannelPrefix + ":signalr");
        });
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [OperationsServiceCollectionExtensions.ReadyTag]);
        return services;
    }
}
