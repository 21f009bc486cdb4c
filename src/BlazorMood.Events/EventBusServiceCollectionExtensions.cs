using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace BlazorMood.Events;

public static class EventBusServiceCollectionExtensions
{
    /// <summary>The in-process bus (<see cref="IEventBus"/>); calling it again adds nothing.</summary>
    public static IServiceCollection AddEventBus(this IServiceCollection services)
    {
        services.TryAddSingleton<EventBus>();
        services.TryAddSingleton<IEventBus>(sp => sp.GetRequiredService<EventBus>());
        return services;
    }

    /// <summary>
    /// Marks <typeparamref name="TEvent"/> as carried between nodes on the channel <paramref name="topic"/> (after the
    /// Redis prefix) whenever a transport is configured; in a single process it changes nothing.
    /// </summary>
    public static IServiceCollection AddDistributedEvent<TEvent>(this IServiceCollection services, string topic)
        where TEvent : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        services.AddEventBus();
        if (!services.Any(d => d.ServiceType == typeof(DistributedEventType) && d.ImplementationInstance is DistributedEventType t && t.EventType == typeof(TEvent)))
        {
            services.AddSingleton(new DistributedEventType(typeof(TEvent), topic));
        }
        return services;
    }

    /// <summary>
    /// With <c>Redis:Configuration</c> set: this node's one Redis connection (<see cref="IConnectionMultiplexer"/>),
    /// shared by the event transport and by every feature that keeps state in Redis. Returns the bound options; with
    /// the setting empty no connection is registered (one process, no Redis). Calling it again adds nothing.
    /// </summary>
    public static RedisOptions AddRedisConnection(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<RedisOptions>)))
        {
            services.AddOptions<RedisOptions>()
                .Bind(configuration.GetSection(RedisOptions.SectionName))
                .ValidateDataAnnotations()
                .ValidateOnStart();
        }
        var options = configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();
        if (!options.Enabled)
        {
            return options;
        }
        // abortConnect=false: a node starts (and reports not ready) while Redis is down, and reconnects by itself.
        services.TryAddSingleton<IConnectionMultiplexer>(_ =>
        {
            var redis = ConfigurationOptions.Parse(options.Configuration!);
            redis.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(redis);
        });
        return options;
    }

    /// <summary>
    /// With <c>Redis:Configuration</c> set: the node's Redis connection (<see cref="AddRedisConnection"/>) and the
    /// <see cref="RedisEventTransport"/> that carries the distributed event types to the other nodes. Returns the bound
    /// options; with the setting empty nothing else is registered (one process, no Redis).
    /// </summary>
    public static RedisOptions AddRedisEventTransport(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.AddRedisConnection(configuration);
        services.AddEventBus();
        if (!options.Enabled || services.Any(d => d.ServiceType == typeof(RedisEventTransport)))
        {
            return options;
        }
        services.TryAddSingleton<NodeIdentity>();
        services.AddSingleton<RedisEventTransport>();
        services.AddSingleton<IEventTransport>(sp => sp.GetRequiredService<RedisEventTransport>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisEventTransport>());
        return options;
    }
}
