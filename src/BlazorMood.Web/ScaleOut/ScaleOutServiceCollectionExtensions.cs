using BlazorMood.Music.Curation;
using BlazorMood.Web.Live;
using BlazorMood.Web.Operations;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace BlazorMood.Web.ScaleOut;

public static class ScaleOutServiceCollectionExtensions
{
    /// <summary>
    /// With <c>Redis:Configuration</c> set: SignalR's Redis backplane for the hubs, the live-update, video-job and
    /// track-analysis notifiers bridged over Redis pub/sub (an event published on one node reaches the subscribers of every node,
    /// once), "curation changed" so the other nodes read the curation file at once, and a Redis health check tagged
    /// "ready". Without it nothing is registered: one process, no Redis.
    /// </summary>
    public static IServiceCollection AddRedisScaleOut(this IServiceCollection services, IConfiguration configuration, ISignalRServerBuilder signalR)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RedisOptions>()
            .Bind(configuration.GetSection(RedisOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();
        if (!options.Enabled)
        {
            return services;
        }

        var prefix = options.ChannelPrefix;
        services.AddSingleton<NodeIdentity>();
        // abortConnect=false: a node starts (and reports not ready) while Redis is down, and reconnects by itself.
        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var redis = ConfigurationOptions.Parse(options.Configuration!);
            redis.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(redis);
        });
        signalR.AddStackExchangeRedis(options.Configuration!, o =>
        {
            o.Configuration.AbortOnConnectFail = false;
            o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + ":signalr");
        });

        services.AddSingleton(sp => new RedisRelay<LiveUpdate>(
            prefix + ":live",
            update => sp.GetRequiredService<LiveMoodNotifier>().PublishLocal(update),
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<NodeIdentity>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("BlazorMood.Web.ScaleOut.LiveRelay")));
        services.AddSingleton<IRelay<LiveUpdate>>(sp => sp.GetRequiredService<RedisRelay<LiveUpdate>>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisRelay<LiveUpdate>>());

        services.AddSingleton(sp => new RedisRelay<OwnerJobChange>(
            prefix + ":videojobs",
            change => sp.GetRequiredService<VideoJobNotifier>().PublishLocal(change.OwnerId, change.Job),
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<NodeIdentity>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("BlazorMood.Web.ScaleOut.VideoJobRelay")));
        services.AddSingleton<IRelay<OwnerJobChange>>(sp => sp.GetRequiredService<RedisRelay<OwnerJobChange>>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisRelay<OwnerJobChange>>());

        // Analysis runs on worker/all nodes only; its progress is shown by the Admin page of whichever node the admin uses.
        services.AddSingleton(sp => new RedisRelay<TrackAnalysisUpdate>(
            prefix + ":analysis",
            update => sp.GetService<TrackAnalysisNotifier>()?.ReportLocal(update),
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<NodeIdentity>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("BlazorMood.Web.ScaleOut.AnalysisRelay")));
        services.AddSingleton<ITrackAnalysisRelay>(sp => new TrackAnalysisRedisRelay(sp.GetRequiredService<RedisRelay<TrackAnalysisUpdate>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RedisRelay<TrackAnalysisUpdate>>());

        // The curation file lives on the shared library volume: the message only says "read it again" (no content, so a
        // node never applies a state older than the file). Polling the file stays the fallback while Redis is away.
        services.AddSingleton(sp => new RedisRelay<CurationChanged>(
            prefix + ":curation",
            _ => sp.GetService<CurationStore>()?.ReloadChangedElsewhere(),
            sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<NodeIdentity>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("BlazorMood.Web.ScaleOut.CurationRelay")));
        services.AddSingleton<ICurationChangeRelay>(sp => new CurationRedisRelay(sp.GetRequiredService<RedisRelay<CurationChanged>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RedisRelay<CurationChanged>>());

        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [OperationsServiceCollectionExtensions.ReadyTag]);
        return services;
    }
}
