using BlazorMood.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Music.Curation;

/// <summary>
/// Carries the curation feature's two cross-node messages on the event bus: "the curation file changed" (the other
/// nodes read it again) and track analysis progress (a worker's progress reaches the Admin page on every web node).
/// <see cref="CurationStore"/> and <see cref="TrackAnalysisNotifier"/> keep their own state and deliver to their own
/// node at once; what they hand their relay goes onto the bus, and the bus's events from other nodes come back here.
/// </summary>
public static class CurationEvents
{
    /// <summary>Registers the relays and the listener for the other nodes' messages; calling it again adds nothing.</summary>
    public static IServiceCollection AddCurationEvents(this IServiceCollection services)
    {
        if (services.Any(d => d.ImplementationType == typeof(RemoteCurationListener)))
        {
            return services;
        }
        // The message only says "read it again" (no content), so a node never applies a state older than the file.
        services.AddDistributedEvent<CurationChanged>("curation");
        services.AddDistributedEvent<TrackAnalysisUpdate>("analysis");
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICurationChangeRelay, BusRelay>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITrackAnalysisRelay, BusRelay>());
        services.AddHostedService<RemoteCurationListener>();
        return services;
    }

    private sealed class BusRelay(IEventBus bus) : ICurationChangeRelay, ITrackAnalysisRelay
    {
        public void Send(CurationChanged change) => bus.Publish(change);

        public void Send(TrackAnalysisUpdate update) => bus.Publish(update);
    }

    /// <summary>Hands the other nodes' messages to this node's store and notifier (either may be absent on a node).</summary>
    private sealed class RemoteCurationListener(IEventBus bus, IServiceProvider services) : IHostedService, IDisposable
    {
        private static readonly EventSubscriptionOptions FromOtherNodes = new() { Origin = EventOrigin.Remote, Capacity = 1024, Name = "curation from other nodes" };
        private IEventSubscription? _curation;
        private IEventSubscription? _analysis;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _curation = bus.Subscribe<CurationChanged>((_, _) =>
            {
                services.GetService<CurationStore>()?.ReloadChangedElsewhere();
                return ValueTask.CompletedTask;
            }, options: FromOtherNodes);
            _analysis = bus.Subscribe<TrackAnalysisUpdate>((update, _) =>
            {
                services.GetService<TrackAnalysisNotifier>()?.ReportLocal(update);
                return ValueTask.CompletedTask;
            }, options: FromOtherNodes);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _curation?.Dispose();
            _analysis?.Dispose();
            _curation = null;
            _analysis = null;
        }
    }
}
