using System.Collections.Concurrent;
using BlazorMood.Video;
using BlazorMood.Web.ScaleOut;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Videos;

/// <summary>A change of one owner's job, as carried between nodes.</summary>
public sealed record OwnerJobChange(string OwnerId, VideoJobDto Job);

/// <summary>
/// In-process publish/subscribe of job changes per owner. Progress of one job goes out at most
/// <see cref="VideoOptions.MaxProgressPerSecond"/> times a second (a browser repaints on each); a change of status —
/// above all the final one — always goes out. Handlers run without blocking the publisher (the worker never waits for a UI).
/// </summary>
public sealed partial class VideoJobNotifier : IVideoJobNotifier
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, (DateTimeOffset At, VideoJobStatus Status)> _lastSent = [];
    private readonly Lock _gate = new();
    private readonly TimeSpan _minInterval;
    private readonly TimeProvider _clock;
    private readonly ILogger<VideoJobNotifier> _logger;

    // Other nodes' notifiers (Redis pub/sub when Redis:Configuration is set); none in a single process.
    private readonly IRelay<OwnerJobChange>[] _relays;

    public VideoJobNotifier(IOptions<VideoOptions> options, TimeProvider clock, ILogger<VideoJobNotifier> logger)
        : this(options, clock, logger, [])
    {
    }

    public VideoJobNotifier(IOptions<VideoOptions> options, TimeProvider clock, ILogger<VideoJobNotifier> logger, IEnumerable<IRelay<OwnerJobChange>> relays)
    {
        ArgumentNullException.ThrowIfNull(options);
        _relays = [.. relays];
        _minInterval = TimeSpan.FromSeconds(1 / Math.Max(0.1, options.Value.MaxProgressPerSecond));
        _clock = clock;
        _logger = logger;
    }

    public IDisposable Subscribe(string ownerId, Func<VideoJobDto, Task> onChange)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentNullException.ThrowIfNull(onChange);
        var subscription = new Subscription(this, ownerId, onChange);
        _byOwner.GetOrAdd(ownerId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    public int SubscriberCount(string ownerId) => _byOwner.TryGetValue(ownerId, out var subs) ? subs.Count : 0;

    /// <summary>Sends <paramref name="job"/> to the owner's subscribers unless it is progress arriving too soon after the last; true when sent.</summary>
    public bool Publish(string ownerId, VideoJobDto job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = _clock.GetUtcNow();
        var final = job.Status is VideoJobStatus.Succeeded or VideoJobStatus.Failed or VideoJobStatus.Cancelled;
        lock (_gate)
        {
            if (_lastSent.TryGetValue(job.Id, out var last) && last.Status == job.Status && !final && now - last.At < _minInterval)
            {
                return false;
            }
            if (final)
            {
                // Nothing follows a final state, so its throttle entry can go (the dictionary holds only live jobs).
                _lastSent.Remove(job.Id);
            }
            else
            {
                _lastSent[job.Id] = (now, job.Status);
            }
        }
        PublishLocal(ownerId, job);
        foreach (var relay in _relays)
        {
            relay.Send(new OwnerJobChange(ownerId, job));
        }
        return true;
    }

    /// <summary>Delivers a change to this node's subscribers only, unthrottled (a change another node already throttled and sent).</summary>
    public void PublishLocal(string ownerId, VideoJobDto job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_byOwner.TryGetValue(ownerId, out var subs))
        {
            foreach (var subscription in subs.Keys)
            {
                _ = InvokeAsync(subscription, job);
            }
        }
    }

    /// <summary>Drops the throttle state of a job that ended without a final state to publish (deleted, taken over).</summary>
    public void Forget(Guid jobId)
    {
        lock (_gate)
        {
            _lastSent.Remove(jobId);
        }
    }

    private async Task InvokeAsync(Subscription subscription, VideoJobDto job)
    {
        try
        {
            await subscription.Handler(job);
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, e, job.Id);
        }
    }

    private void Remove(Subscription subscription)
    {
        if (_byOwner.TryGetValue(subscription.OwnerId, out var subs))
        {
            subs.TryRemove(subscription, out _);
            if (subs.IsEmpty)
            {
                _byOwner.TryRemove(new KeyValuePair<string, ConcurrentDictionary<Subscription, byte>>(subscription.OwnerId, subs));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A video job handler failed for job {JobId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, Guid jobId);

    private sealed class Subscription(VideoJobNotifier owner, string ownerId, Func<VideoJobDto, Task> handler) : IDisposable
    {
        public string OwnerId { get; } = ownerId;

        public Func<VideoJobDto, Task> Handler { get; } = handler;

        public void Dispose() => owner.Remove(this);
    }
}
