using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.Options;

namespace BlazorMood.Playback;

/// <summary>Why the player moves on from the current track.</summary>
public enum AdvanceReason
{
    /// <summary>The track played to its end (reported as <c>complete</c>).</summary>
    Ended,

    /// <summary>The listener pressed next (no feedback).</summary>
    Next,

    /// <summary>The listener skipped it (reported as <c>skip</c>).</summary>
    Skip,
}

/// <summary>A track with the recommendation that chose it (so "why this track" stays right after the context moves on).</summary>
public sealed record QueuedTrack(RecommendedTrack Track, Recommendation ChosenBy);

/// <summary>
/// The Recommendations tab's player for one circuit (scoped): the current track, the upcoming queue, history, mode,
/// mood query and transport state. It lives in a service rather than the component so that playback state survives
/// anything that re-creates the component. The audio element itself is driven by the component's JS module.
/// </summary>
/// <remarks>
/// Context changes re-plan only what has not started: before the first track plays, the whole plan follows the
/// context; once a track plays, only the upcoming queue does, and the new plan takes over at the next track boundary.
/// A track is never cut unless the listener asks (next, skip, previous). Re-plans caused by context reports are
/// throttled to <see cref="PlayerOptions.ContextRefreshInterval"/> (live emotion reports every frame), with a trailing
/// re-plan so the last change is never lost. All members are thread-safe: context reports arrive on hub threads.
/// </remarks>
public sealed partial class PlayerState : IDisposable
{
    /// <summary>Longest mood query the player keeps (the query box and the API accept no more).</summary>
    public const int MaxTextLength = 200;

    private readonly Lock _lock = new();
    private readonly Recommender _recommender;
    private readonly IContextStore _context;
    private readonly PlayerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PlayerState> _logger;
    private readonly List<QueuedTrack> _queue = [];
    private readonly List<QueuedTrack> _history = [];
    private readonly HashSet<string> _liked = new(StringComparer.Ordinal);
    private Recommendation? _plan;
    private QueuedTrack? _current;
    private DateTimeOffset _lastContextRefresh = DateTimeOffset.MinValue;
    private ITimer? _trailing;
    private bool _disposed;

    public PlayerState(Recommender recommender, IContextStore context, IOptions<PlayerOptions> options, TimeProvider time, ILogger<PlayerState> logger)
    {
        _recommender = recommender;
        _context = context;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Mode = _options.DefaultMode;
        Volume = _options.Volume;
    }

    /// <summary>Raised after any change of state (on the changing thread; components marshal with InvokeAsync).</summary>
    public event Action? Changed;

    /// <summary>The listener (browser session); null until <see cref="Attach"/>.</summary>
    public string? UserId { get; private set; }

    public RecommendationMode Mode { get; private set; }

    /// <summary>The mood query ("calm focus music"); null when none.</summary>
    public string? Text { get; private set; }

    /// <summary>
    /// An emotion that stands in for the one the listener's camera reports (the kiosk's group mood); null when the
    /// observed context decides alone.
    /// </summary>
    public string? EmotionOverride { get; private set; }

    public RecommendedTrack? Current => _current?.Track;

    /// <summary>The recommendation that chose the current track ("why this track").</summary>
    public Recommendation? CurrentReason => _current?.ChosenBy;

    /// <summary>The latest plan, which the upcoming queue follows.</summary>
    public Recommendation? Plan => _plan;

    /// <summary>True when the plan changed after the current track started: the new context starts at the next track.</summary>
    public bool PlanChangedSinceCurrent { get; private set; }

    public IReadOnlyList<RecommendedTrack> Queue
    {
        get
        {
            lock (_lock)
            {
                return _queue.Select(q => q.Track).ToArray();
            }
        }
    }

    public int HistoryCount
    {
        get
        {
            lock (_lock)
            {
                return _history.Count;
            }
        }
    }

    /// <summary>The listener wants music (set by play/pause and by the audio element's own events).</summary>
    public bool IsPlaying { get; private set; }

    /// <summary>The current track has begun playing (it counts as played for the no-repeat window).</summary>
    public bool Started { get; private set; }

    public double Position { get; private set; }

    /// <summary>Duration reported by the audio element, else the library's.</summary>
    public double Duration { get; private set; }

    public double Volume { get; private set; }

    public bool IsLiked(string trackId) { lock (_lock) { return _liked.Contains(trackId); } }

    /// <summary>Binds the player to a listener and makes a first plan. Later calls with another id start over.</summary>
    public void Attach(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (string.Equals(UserId, userId, StringComparison.Ordinal))
            {
                return;
            }
            if (UserId is null)
            {
                _context.Changed += OnContextChanged;
            }
            UserId = userId;
            _queue.Clear();
            _history.Clear();
            _current = null;
            Started = false;
            ReplanLocked(replaceCurrent: true);
        }
        LogAttached(_logger, userId, Mode);
        Raise();
    }

    public void SetMode(RecommendationMode mode)
    {
        lock (_lock)
        {
            if (Mode == mode || UserId is null)
            {
                Mode = mode;
                return;
            }
            Mode = mode;
            ReplanLocked(replaceCurrent: !Started);
        }
        Raise();
    }

    /// <summary>
    /// Sets the mood query. Text only means something to the context mode, so a non-empty query switches to it
    /// (the tab shows the mode). The current track keeps playing; the queue follows the query.
    /// </summary>
    public void SetText(string? text)
    {
        var value = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (value is { Length: > PlayerState.MaxTextLength })
        {
            value = value[..PlayerState.MaxTextLength];
        }
        lock (_lock)
        {
            if (string.Equals(Text, value, StringComparison.Ordinal) || UserId is null)
            {
                Text = value;
                return;
            }
            Text = value;
            if (value is not null)
            {
                Mode = RecommendationMode.Context;
            }
            ReplanLocked(replaceCurrent: !Started);
        }
        Raise();
    }

    /// <summary>
    /// Sets <see cref="EmotionOverride"/>. Like any context change, it re-plans what has not started: the whole plan
    /// before the first track plays, else the upcoming queue (the current track is never cut here).
    /// </summary>
    public void SetEmotionOverride(string? label)
    {
        var value = string.IsNullOrWhiteSpace(label) ? null : label.Trim();
        lock (_lock)
        {
            if (string.Equals(EmotionOverride, value, StringComparison.Ordinal) || UserId is null)
            {
                EmotionOverride = value;
                return;
            }
            EmotionOverride = value;
            ReplanLocked(replaceCurrent: !Started);
        }
        Raise();
    }

    /// <summary>
    /// Plans again from the same context: something the recommender reads besides the context changed (an admin's
    /// ban, pin or schedule). Only what has not started is replaced.
    /// </summary>
    public void Refresh()
    {
        lock (_lock)
        {
            if (UserId is null || _disposed)
            {
                return;
            }
            ReplanLocked(replaceCurrent: !Started);
        }
        Raise();
    }

    /// <summary>Makes sure there is a current track (plans when there is none); returns it.</summary>
    public RecommendedTrack? EnsureCurrent()
    {
        RecommendedTrack? current;
        lock (_lock)
        {
            if (_current is null && UserId is not null)
            {
                ReplanLocked(replaceCurrent: true);
            }
            current = _current?.Track;
        }
        Raise();
        return current;
    }

    /// <summary>
    /// Moves to the next track: reports <c>complete</c> or <c>skip</c>, then asks the recommender again so the next
    /// track follows the context of now (this is the track boundary). Returns the new current track.
    /// </summary>
    public RecommendedTrack? Advance(AdvanceReason reason)
    {
        RecommendedTrack? next;
        lock (_lock)
        {
            if (UserId is not { } user)
            {
                return null;
            }
            var finished = _current;
            if (finished is not null)
            {
                var feedback = reason switch
                {
                    AdvanceReason.Ended => FeedbackKind.Complete,
                    AdvanceReason.Skip => FeedbackKind.Skip,
                    _ => (FeedbackKind?)null,
                };
                if (feedback is { } kind)
                {
                    _recommender.Feedback(user, finished.Track.Id, kind);
                    LogFeedback(_logger, user, finished.Track.Id, kind);
                }
                _history.Add(finished);
                if (_history.Count > _options.HistoryLength)
                {
                    _history.RemoveAt(0);
                }
            }
            ReplanLocked(replaceCurrent: true, avoid: finished?.Track.Id);
            next = _current?.Track;
        }
        Raise();
        return next;
    }

    /// <summary>Goes back to the previously played track; the current one returns to the head of the queue.</summary>
    public RecommendedTrack? Previous()
    {
        RecommendedTrack? track;
        lock (_lock)
        {
            if (_history.Count == 0)
            {
                return _current?.Track;
            }
            if (_current is not null)
            {
                _queue.Insert(0, _current);
            }
            _current = _history[^1];
            _history.RemoveAt(_history.Count - 1);
            ResetTransportLocked();
            track = _current.Track;
        }
        Raise();
        return track;
    }

    /// <summary>Likes the current track (once per track and player; feedback is credited to the context it was served in).</summary>
    public void Like()
    {
        lock (_lock)
        {
            if (UserId is not { } user || _current is null || !_liked.Add(_current.Track.Id))
            {
                return;
            }
            _recommender.Feedback(user, _current.Track.Id, FeedbackKind.Like);
            LogFeedback(_logger, user, _current.Track.Id, FeedbackKind.Like);
        }
        Raise();
    }

    /// <summary>The audio element started playing <paramref name="trackId"/>; the first start of a track counts as a play.</summary>
    public void OnStarted(string trackId)
    {
        lock (_lock)
        {
            if (_current?.Track.Id != trackId || UserId is not { } user)
            {
                return;
            }
            IsPlaying = true;
            if (!Started)
            {
                Started = true;
                _recommender.Played(user, trackId);
            }
        }
        Raise();
    }

    /// <summary>Play/pause intent of the listener (or the element paused by itself).</summary>
    public void SetPlaying(bool playing)
    {
        lock (_lock)
        {
            if (IsPlaying == playing)
            {
                return;
            }
            IsPlaying = playing;
        }
        Raise();
    }

    /// <summary>Position and duration reported by the audio element; stale reports of another track are ignored.</summary>
    public void OnProgress(string trackId, double position, double duration)
    {
        lock (_lock)
        {
            if (_current?.Track.Id != trackId)
            {
                return;
            }
            Position = double.IsFinite(position) && position >= 0 ? position : 0;
            if (double.IsFinite(duration) && duration > 0)
            {
                Duration = duration;
            }
        }
        Raise();
    }

    public void SetVolume(double volume)
    {
        lock (_lock)
        {
            Volume = Math.Clamp(double.IsFinite(volume) ? volume : _options.Volume, 0, 1);
        }
        Raise();
    }

    private void OnContextChanged(object? sender, string userId)
    {
        if (!string.Equals(userId, UserId, StringComparison.Ordinal))
        {
            return;
        }
        RefreshFromContext();
    }

    private void RefreshFromContext()
    {
        bool changed;
        lock (_lock)
        {
            if (_disposed || UserId is null)
            {
                return;
            }
            var now = _time.GetUtcNow();
            var wait = _lastContextRefresh + _options.ContextRefreshInterval - now;
            if (wait > TimeSpan.Zero)
            {
                // Throttled: one trailing re-plan when the interval is over, so the last report still counts.
                _trailing ??= _time.CreateTimer(_ => { lock (_lock) { _trailing?.Dispose(); _trailing = null; } RefreshFromContext(); }, null, wait, Timeout.InfiniteTimeSpan);
                return;
            }
            _lastContextRefresh = now;
            changed = ReplanIfContextMovedLocked();
        }
        if (changed)
        {
            Raise();
        }
    }

    /// <summary>Re-plans when the recommendation's context key differs from the plan's (a new emotion, activity…).</summary>
    private bool ReplanIfContextMovedLocked()
    {
        var preview = Ask();
        if (_plan is not null && preview.Source == _plan.Source && preview.Context.ContextKey == _plan.Context.ContextKey)
        {
            return false;
        }
        Apply(preview, replaceCurrent: !Started, avoid: null);
        LogContextMoved(_logger, UserId!, preview.Context.ContextKey, Started);
        return true;
    }

    private void ReplanLocked(bool replaceCurrent, string? avoid = null) => Apply(Ask(), replaceCurrent, avoid);

    private Recommendation Ask() => _recommender.Recommend(new RecommendationRequest { UserId = UserId!, Mode = Mode, Text = Text, Emotion = EmotionOverride });

    private void Apply(Recommendation plan, bool replaceCurrent, string? avoid)
    {
        _plan = plan;
        var tracks = plan.Tracks.Select(t => new QueuedTrack(t, plan)).ToList();
        if (replaceCurrent)
        {
            // The track that just finished may come back first when it never counted as played (skipped before it started).
            var first = tracks.FindIndex(t => t.Track.Id != avoid);
            _current = first >= 0 ? tracks[first] : tracks.FirstOrDefault();
            if (_current is not null)
            {
                tracks.Remove(_current);
            }
            ResetTransportLocked();
            PlanChangedSinceCurrent = false;
        }
        else
        {
            tracks.RemoveAll(t => t.Track.Id == _current?.Track.Id);
            PlanChangedSinceCurrent = true;
        }
        _queue.Clear();
        _queue.AddRange(tracks);
    }

    private void ResetTransportLocked()
    {
        Started = false;
        Position = 0;
        Duration = _current?.Track.Duration ?? 0;
    }

    private void Raise()
    {
        try
        {
            Changed?.Invoke();
        }
        catch (Exception e)
        {
            // A failing view must not break the player or the context reporter that triggered the change.
            LogHandlerFailed(_logger, e);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _trailing?.Dispose();
            _trailing = null;
        }
        _context.Changed -= OnContextChanged;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Player attached to {UserId} in {Mode} mode")]
    private static partial void LogAttached(ILogger logger, string userId, RecommendationMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback from {UserId} on {TrackId}: {Kind}")]
    private static partial void LogFeedback(ILogger logger, string userId, string trackId, FeedbackKind kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Context of {UserId} moved to {ContextKey}; current track started: {Started}")]
    private static partial void LogContextMoved(ILogger logger, string userId, string contextKey, bool started);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A player view failed to handle a change")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
