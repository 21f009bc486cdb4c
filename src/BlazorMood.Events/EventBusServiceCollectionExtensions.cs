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
    /// With <c>Redis:Configuration</c> set: one Redis connection for this node and the <see cref="RedisEventTransport"/>
    /// that carries the distributed event types to the other nodes. Returns the bound options; with the setting empty
    /// nothing else is registered (one process, no Redis).
    /// </summary>
    public static RedisOptions AddRedisEventTransport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RedisOptions>()
            .Bind(configuration.GetSection(RedisOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();
        services.AddEventBus();
        if (!options.Enabled || services.Any(d => d.ServiceType == typeof(RedisEventTransport)))
        {
            return options;
        }
        services.TryAddSingleton<NodeIdentity>();
        // abortConnect=false: a node starts (and reports not ready) while Redis is down, and reconnects by itself.
        services.TryAddSingleton<IConnectionMultiplexer>(_ =>
        {
            var redis = ConfigurationOptions.Parse(options.Configuration!);
            redis.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(redis);
        });
        services.AddSingleton<RedisEventTransport>();
        services.AddSingleton<IEventTransport>(sp => sp.GetRequiredService<RedisEventTransport>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisEventTransport>());
        return options;
    }
}
