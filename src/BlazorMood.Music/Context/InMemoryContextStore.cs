using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Context;

/// <summary>
/// Process-local <see cref="IContextStore"/>. Keeps only the latest observation of each kind per user, and at most
/// <see cref="RecommenderOptions.MaxUsers"/> users (the least recently updated are dropped), so memory stays bounded.
/// </summary>
public sealed class InMemoryContextStore : IContextStore
{
    private readonly ConcurrentDictionary<string, Entry> _users = new(StringComparer.Ordinal);
    private readonly int _maxUsers;
    private readonly TimeProvider _time;

    public InMemoryContextStore(IOptions<MusicOptions> options, TimeProvider time)
    {
        _maxUsers = Math.Max(1, options.Value.Recommender.MaxUsers);
        _time = time;
    }

    public event EventHandler<string>? Changed;

    public void Report(string userId, EmotionObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        Update(userId, c => c.LastEmotion is { } last && last.At > observation.At ? c : c with { LastEmotion = observation });
    }

    public void Report(string userId, ActivityObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        Update(userId, c => c.LastActivity is { } last && last.At > observation.At ? c : c with { LastActivity = observation });
    }

    public ListeningContext Get(string userId) => _users.TryGetValue(userId, out var e) ? e.Context : ListeningContext.Empty;

    public void Forget(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (_users.TryRemove(userId, out _))
        {
            Changed?.Invoke(this, userId);
        }
    }

    private void Update(string userId, Func<ListeningContext, ListeningContext> change)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        // Observations can arrive out of order from different pipelines; the lambdas keep the newest by timestamp.
        _users.AddOrUpdate(userId,
            (_, arg) => new Entry(arg.change(ListeningContext.Empty), arg.now),
            (_, old, arg) => new Entry(arg.change(old.Context), arg.now),
            (change, now: _time.GetUtcNow()));
        if (_users.Count > _maxUsers)
        {
            Evict();
        }
        Changed?.Invoke(this, userId);
    }

    private void Evict()
    {
        // Rare (only past the cap), so a sort over a snapshot is fine.
        var excess = _users.Count - _maxUsers;
        foreach (var stale in _users.OrderBy(kv => kv.Value.UpdatedAt).Take(excess).ToList())
        {
            _users.TryRemove(stale);
        }
    }

    private sealed record Entry(ListeningContext Context, DateTimeOffset UpdatedAt);
}
