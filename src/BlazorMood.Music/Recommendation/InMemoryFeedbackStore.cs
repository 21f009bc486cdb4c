using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Recommendation;

/// <summary>
/// Process-local <see cref="IFeedbackStore"/>: bounded per user (history ring, served map, posterior count) and in
/// number of users, so a long-running server cannot grow without limit. A database-backed store can replace it.
/// </summary>
public sealed class InMemoryFeedbackStore : IFeedbackStore
{
    private const int MaxHistory = 200;
    private const int MaxServed = 500;
    private const int MaxPosteriorsPerUser = 50_000;

    // A completed track is a weaker signal than an explicit like.
    private const double CompleteCredit = 0.5;

    private readonly ConcurrentDictionary<string, UserState> _users = new(StringComparer.Ordinal);
    private readonly int _maxUsers;
    private readonly TimeProvider _time;

    public InMemoryFeedbackStore(IOptions<MusicOptions> options, TimeProvider time)
    {
        _maxUsers = Math.Max(1, options.Value.Recommender.MaxUsers);
        _time = time;
    }

    public void RecordServed(string userId, string contextKey, IReadOnlyList<string> trackIds)
    {
        var user = GetUser(userId);
        lock (user.Gate)
        {
            foreach (var id in trackIds)
            {
                if (user.Served.Count >= MaxServed && !user.Served.ContainsKey(id))
                {
                    user.Served.Remove(user.ServedOrder.Dequeue());
                }
                if (!user.Served.ContainsKey(id))
                {
                    user.ServedOrder.Enqueue(id);
                }
                user.Served[id] = contextKey;
            }
        }
    }

    public void RecordPlay(string userId, string trackId)
    {
        var user = GetUser(userId);
        lock (user.Gate)
        {
            if (user.History.Count >= MaxHistory)
            {
                user.History.RemoveAt(user.History.Count - 1);
            }
            user.History.Insert(0, trackId);
        }
    }

    public void RecordFeedback(string userId, string trackId, FeedbackKind kind) =>
        RecordFeedback(userId, ContextOf(userId, trackId), trackId, kind);

    /// <summary>
    /// The context <paramref name="trackId"/> was last served to <paramref name="userId"/> in (or <c>default</c>):
    /// the context feedback on it is credited to. Public so a persisting store can record the same key.
    /// </summary>
    public string ContextOf(string userId, string trackId)
    {
        var user = GetUser(userId);
        lock (user.Gate)
        {
            return user.Served.GetValueOrDefault(trackId) ?? "default";
        }
    }

    public void RecordFeedback(string userId, string contextKey, string trackId, FeedbackKind kind)
    {
        var user = GetUser(userId);
        lock (user.Gate)
        {
            var key = (contextKey, trackId);
            if (!user.Posteriors.TryGetValue(key, out var counts) && user.Posteriors.Count >= MaxPosteriorsPerUser)
            {
                return;
            }
            user.Posteriors[key] = kind switch
            {
                FeedbackKind.Like => counts with { Likes = counts.Likes + 1 },
                FeedbackKind.Complete => counts with { Likes = counts.Likes + CompleteCredit },
                FeedbackKind.Skip => counts with { Skips = counts.Skips + 1 },
                _ => counts,
            };
        }
    }

    public FeedbackCounts GetCounts(string userId, string contextKey, string trackId)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            return default;
        }
        lock (user.Gate)
        {
            return user.Posteriors.GetValueOrDefault((contextKey, trackId));
        }
    }

    public IReadOnlyList<string> RecentPlays(string userId, int max)
    {
        if (max <= 0 || !_users.TryGetValue(userId, out var user))
        {
            return [];
        }
        lock (user.Gate)
        {
            return user.History.Take(max).ToArray();
        }
    }

    public void Forget(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        _users.TryRemove(userId, out _);
    }

    private UserState GetUser(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = _time.GetUtcNow();
        var user = _users.GetOrAdd(userId, _ => new UserState());
        user.TouchedAt = now;
        if (_users.Count > _maxUsers)
        {
            foreach (var stale in _users.Where(kv => kv.Key != userId).OrderBy(kv => kv.Value.TouchedAt).Take(_users.Count - _maxUsers).ToList())
            {
                _users.TryRemove(stale);
            }
        }
        return user;
    }

    private sealed class UserState
    {
        public Lock Gate { get; } = new();

        public List<string> History { get; } = [];

        public Dictionary<string, string> Served { get; } = new(StringComparer.Ordinal);

        public Queue<string> ServedOrder { get; } = new();

        public Dictionary<(string Context, string Track), FeedbackCounts> Posteriors { get; } = [];

        public DateTimeOffset TouchedAt { get; set; }
    }
}
