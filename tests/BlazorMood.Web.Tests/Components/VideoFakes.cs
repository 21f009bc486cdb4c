using System.Collections.Concurrent;
using BlazorMood.Web.Videos;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// In-memory <see cref="IVideoJobs"/> for component tests: jobs per owner, and a record of what the tab asked for.
/// Job processing itself is tested against the real service elsewhere; here only the UI's use of the contract matters.
/// </summary>
public sealed class FakeVideoJobs : IVideoJobs
{
    private readonly ConcurrentDictionary<Guid, (string Owner, VideoJobDto Job)> _jobs = new();

    public List<string> Calls { get; } = [];

    public List<string> ListOwners { get; } = [];

    /// <summary>What <see cref="GetAsync"/> answers instead of the stored job (a stale read racing the notifier).</summary>
    public Func<Guid, VideoJobDto?>? GetOverride { get; set; }

    public void Add(string owner, VideoJobDto job) => _jobs[job.Id] = (owner, job);

    public Task<VideoJobDto> SubmitAsync(string ownerId, string? clientFileName, Stream content, CancellationToken ct) =>
        throw new NotSupportedException("The tab uploads from the browser, never through the circuit.");

    public Task<VideoJobDto?> GetAsync(string ownerId, Guid id, CancellationToken ct)
    {
        lock (Calls)
        {
            Calls.Add($"get {ownerId} {id}");
        }
        if (GetOverride is { } get)
        {
            return Task.FromResult(get(id));
        }
        return Task.FromResult(_jobs.TryGetValue(id, out var e) && e.Owner == ownerId ? e.Job : null);
    }

    public Task<IReadOnlyList<VideoJobDto>> ListAsync(string ownerId, int max, CancellationToken ct)
    {
        lock (Calls)
        {
            ListOwners.Add(ownerId);
        }
        IReadOnlyList<VideoJobDto> list = _jobs.Values.Where(e => e.Owner == ownerId).Select(e => e.Job)
            .OrderByDescending(j => j.CreatedAt).Take(max).ToArray();
        return Task.FromResult(list);
    }

    public Task<bool> CancelAsync(string ownerId, Guid id, CancellationToken ct)
    {
        lock (Calls)
        {
            Calls.Add($"cancel {ownerId} {id}");
        }
        if (!_jobs.TryGetValue(id, out var e) || e.Owner != ownerId || e.Job.Status is not (VideoJobStatus.Queued or VideoJobStatus.Running))
        {
            return Task.FromResult(false);
        }
        _jobs[id] = (ownerId, e.Job with { Status = VideoJobStatus.Cancelled, Stage = null, EtaSeconds = null });
        return Task.FromResult(true);
    }

    public Task<bool> DeleteAsync(string ownerId, Guid id, CancellationToken ct)
    {
        lock (Calls)
        {
            Calls.Add($"delete {ownerId} {id}");
        }
        return Task.FromResult(_jobs.TryGetValue(id, out var e) && e.Owner == ownerId && _jobs.TryRemove(id, out _));
    }

    public Task<string?> GetAnnotatedVideoPathAsync(string ownerId, Guid id, CancellationToken ct) => Task.FromResult<string?>(null);
}

/// <summary>An <see cref="IVideoJobNotifier"/> the test drives: <see cref="PublishAsync"/> calls every live subscriber of the owner.</summary>
public sealed class FakeVideoJobNotifier : IVideoJobNotifier
{
    private readonly List<Subscription> _subscriptions = [];

    public IReadOnlyList<string> SubscribedOwners
    {
        get
        {
            lock (_subscriptions)
            {
                return _subscriptions.Select(s => s.Owner).ToArray();
            }
        }
    }

    public int Active
    {
        get
        {
            lock (_subscriptions)
            {
                return _subscriptions.Count(s => !s.Disposed);
            }
        }
    }

    public IDisposable Subscribe(string ownerId, Func<VideoJobDto, Task> onChange)
    {
        var s = new Subscription(ownerId, onChange);
        lock (_subscriptions)
        {
            _subscriptions.Add(s);
        }
        return s;
    }

    /// <summary>Like the real notifier, called from a background thread, not the renderer's.</summary>
    public Task PublishAsync(string owner, VideoJobDto job) => Task.Run(async () =>
    {
        Subscription[] targets;
        lock (_subscriptions)
        {
            targets = _subscriptions.Where(s => !s.Disposed && s.Owner == owner).ToArray();
        }
        foreach (var s in targets)
        {
            await s.OnChange(job);
        }
    });

    private sealed class Subscription(string owner, Func<VideoJobDto, Task> onChange) : IDisposable
    {
        public string Owner { get; } = owner;

        public Func<VideoJobDto, Task> OnChange { get; } = onChange;

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}

/// <summary>Job DTOs for tests.</summary>
public static class TestJobs
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static VideoJobDto Running(string file = "run.mp4", double progress = 0.25, string stage = "pose", double? eta = 65, int minutesAgo = 0) =>
        new(Guid.NewGuid(), file, VideoJobStatus.Running, progress, stage,
            [new("probing", 1), new("decoding", Math.Min(1, progress + 0.2)), new("pose", progress), new("classifying", progress * 0.9), new("encoding", progress * 0.8)],
            eta, null, 12, [], [], null, 1, Epoch.AddMinutes(-minutesAgo), null, false);

    public static VideoJobDto Queued(string file = "queued.mp4", int minutesAgo = 0) =>
        new(Guid.NewGuid(), file, VideoJobStatus.Queued, 0, null, [], null, null, null, [], [], null, 0, Epoch.AddMinutes(-minutesAgo), null, false);

    public static VideoJobDto Succeeded(string file = "done.mp4", int minutesAgo = 0, double duration = 6, double? cadence = 112) =>
        new(Guid.NewGuid(), file, VideoJobStatus.Succeeded, 1, null, [], null, null, duration, ["walking", "standing"],
            [new(0, 2, "standing", 0.9, null), new(2, 5, "walking", 0.8, cadence), new(5, duration, "standing", 0.7, null)],
            cadence, 1, Epoch.AddMinutes(-minutesAgo), Epoch.AddMinutes(-minutesAgo + 1), true);

    public static VideoJobDto Failed(string file = "broken.mp4", string error = "The video is cut off: 40 of 120 frames could be decoded.", int minutesAgo = 0) =>
        new(Guid.NewGuid(), file, VideoJobStatus.Failed, 0.3, null, [], null, error, 12, [], [], null, 1, Epoch.AddMinutes(-minutesAgo),
            Epoch.AddMinutes(-minutesAgo + 1), false);
}
