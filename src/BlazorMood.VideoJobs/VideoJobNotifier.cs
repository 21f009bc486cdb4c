using BlazorMood.Video;
using BlazorMood.Events;
using Microsoft.Extensions.Options;

namespace BlazorMood.VideoJobs;

/// <summary>A change of one owner's job, as carried between nodes.</summary>
public sealed record OwnerJobChange(string OwnerId, VideoJobDto Job);

/// <summary>
/// Job changes per owner, on the event bus. Progress of one job goes out at most
/// <see cref="VideoOptions.MaxProgressPerSecond"/> times a second (a browser repaints on each); a change of status —
/// above all the final one — always goes out. Each subscriber gets its owner's changes in order from its own bounded
/// queue, so the worker never waits for a UI; with Redis configured the bus carries them to the other nodes (a job
/// that a worker node runs is followed on a web node).
/// </summary>
public sealed class VideoJobNotifier : IVideoJobNotifier
{
    /// <summary>Queued changes per subscriber: the newest always arrives, a subscriber that stays behind loses old progress.</summary>
    public const int SubscriberCapacity = 64;

    private readonly Dictionary<Guid, (DateTimeOffset At, VideoJobStatus Status)> _lastSent = [];
    private readonly Lock _gate = new();
    private readonly TimeSpan _minInterval;
    private readonly TimeProvider _clock;
    private readonly IEventBus _bus;

    public VideoJobNotifier(IOptions<VideoOptions> options, TimeProvider clock, IEventBus bus)
    {
        ArgumentNullException.ThrowIfNull(options);
        _minInterval = TimeSpan.FromSeconds(1 / Math.Max(0.1, options.Value.MaxProgressPerSecond));
        _clock = clock;
        _bus = bus;
    }

    public IDisposable Subscribe(string ownerId, Func<VideoJobDto, Task> onChange)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentNullException.ThrowIfNull(onChange);
        return _bus.Subscribe<OwnerJobChange>(ownerId, c => c.OwnerId, (c, _) => new ValueTask(onChange(c.Job)),
            new EventSubscriptionOptions { Capacity = SubscriberCapacity, Name = "video jobs of an owner" });
    }

    public int SubscriberCount(string ownerId) => _bus.SubscriberCount<OwnerJobChange>(ownerId);

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
            // Inside the gate: two changes of a job (progress, then its final state) go out in the order decided here.
            _bus.Publish(new OwnerJobChange(ownerId, job));
        }
        return true;
    }

    /// <summary>Drops the throttle state of a job that ended without a final state to publish (deleted, taken over).</summary>
    public void Forget(Guid jobId)
    {
        lock (_gate)
        {
            _lastSent.Remove(jobId);
        }
    }
}
