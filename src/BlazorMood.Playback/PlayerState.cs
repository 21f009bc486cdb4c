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

/// <summary>How the audio element moves to a new current track.</summary>
public enum TrackTransition
{
    /// <summary>Load it at once (a button, the end of a track, the first track).</summary>
    Cut,

    /// <summary>Fade the playing track out while the new one fades in (the mood or a query changed the music).</summary>
    Crossfade,
}

/// <summary>
/// A track with the recommendation that chose it (so "why this track" stays right after the context moves on), how
/// long the mood behind it had held, and the activity the listener asked music for (if any).
/// </summary>
public sealed record QueuedTrack(RecommendedTrack Track, Recommendation ChosenBy, TimeSpan? MoodHeldFor = null, string? RequestedActivity = null)
{
    /// <summary>"Why this track" in plain words.</summary>
    public string Explanation => PlainExplanation.Describe(ChosenBy, Track, MoodHeldFor, RequestedActivity);
}

/// <summary>
/// The Recommendations tab's player for one circuit (scoped): the current track, the upcoming queue, history, mode,
/// mood query and transport state. It lives in a service rather than the component so that playback state survives
/// anything that re-creates the component. The audio element itself is driven by the component's JS module.
/// </summary>
/// <remarks>
/// A context change counts once it has held for <see cref="PlayerOptions.MoodHold"/> (the plan, and so "Up next",
/// never follows a single frame). Then, before the first track plays, the whole plan follows it; once a track plays,
/// the upcoming queue does, and with <see cref="PlayerReactivity.WithinSeconds"/> a held emotion (confident enough,
/// not within <see cref="PlayerOptions.MinTimeBetweenSwitches"/> of the last such change) also crossfades the
/// current track to the new plan's first. A face leaving the camera never cuts a track: only a mood seen does. A
/// typed mood query and "music for an activity" replace the current track at once. Re-plans caused by context
/// reports are throttled to <see cref="PlayerOptions.ContextRefreshInterval"/> (live emotion reports every frame),
/// with a trailing re-plan so the last change is never lost. All members are thread-safe: context reports arrive on
/// hub threads.
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
    private ITimer? _recheck;
    private string? _pendingKey;
    private DateTimeOffset _pendingSince;
    private DateTimeOffset _planKeySince;
    private DateTimeOffset _lastMoodSwitch = DateTimeOffset.MinValue;

    // The listener went back to this track ("previous"): the mood does not take it away again.
    private bool _currentChosenByListener;
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

    /// <summary>
    /// The activity whose music the listener asked for ("Music for walking" on a video job); null when none. While it
    /// is set, the face in view does not steer the music.
    /// </summary>
    public string? RequestedActivity { get; private set; }

    /// <summary>When the music follows a mood change; null until a view chooses (then it follows at track ends).</summary>
    public PlayerReactivity? Reactivity { get; private set; }

    /// <summary>How the element should move to the current track (read by the view when it loads it).</summary>
    public TrackTransition CurrentTransition { get; private set; }

    /// <summary>Length of a crossfade (the player's option).</summary>
    public TimeSpan Crossfade => _options.Crossfade;

    public RecommendedTrack? Current => _current?.Track;

    /// <summary>The recommendation that chose the current track ("why this track").</summary>
    public Recommendation? CurrentReason => _current?.ChosenBy;

    /// <summary>"Why this track" for the current track, in plain words; null when nothing plays.</summary>
    public string? CurrentExplanation => _current?.Explanation;

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
    /// (the tab shows the mode), replaces the current track and the queue at once and starts playing: typing a wish
    /// is asking for music now. Clearing it re-plans what has not started.
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
                RequestedActivity = null;
                ReplaceNowLocked();
            }
            else
            {
                ReplanLocked(replaceCurrent: !Started);
            }
        }
        Raise();
    }

    /// <summary>
    /// Plays music for <paramref name="activity"/> now (the "Music for …" of a video job): the current track and the
    /// queue are replaced and playing starts. Until <see cref="ClearRequestedActivity"/> (or a mood query), the face
    /// in view does not steer the music.
    /// </summary>
    public void PlayActivity(string activity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activity);
        lock (_lock)
        {
            RequestedActivity = activity.Trim();
            Text = null;
            if (UserId is null)
            {
                return;
            }
            ReplaceNowLocked();
        }
        Raise();
    }

    /// <summary>Gives the music back to the observed context (the queue follows it; the current track plays on).</summary>
    public void ClearRequestedActivity()
    {
        lock (_lock)
        {
            if (RequestedActivity is null)
            {
                return;
            }
            RequestedActivity = null;
            if (UserId is null)
            {
                return;
            }
            ReplanLocked(replaceCurrent: !Started);
        }
        Raise();
    }

    /// <summary>Chooses when the music follows a mood change (the Recommendations tab's setting).</summary>
    public void SetReactivity(PlayerReactivity reactivity)
    {
        lock (_lock)
        {
            if (Reactivity == reactivity)
            {
                return;
            }
            Reactivity = reactivity;
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
            CurrentTransition = TrackTransition.Cut;
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
            CurrentTransition = TrackTransition.Cut;
            _currentChosenByListener = true;
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

    /// <summary>
    /// Follows the context once its change has held: re-plans when the recommendation's context key has differed from
    /// the plan's for <see cref="PlayerOptions.MoodHold"/>, then (reactive players) moves the current track to the
    /// plan when a held mood is not what chose it.
    /// </summary>
    private bool ReplanIfContextMovedLocked()
    {
        var now = _time.GetUtcNow();
        var preview = Ask();
        var key = Key(preview);
        var changed = false;
        if (_plan is null || key != Key(_plan))
        {
            if (_pendingKey != key)
            {
                // A new candidate: it counts only if it is still there after the hold.
                _pendingKey = key;
                _pendingSince = now;
            }
            if (_plan is not null && now - _pendingSince < _options.MoodHold)
            {
                ScheduleRecheckLocked(_pendingSince + _options.MoodHold - now);
                return false;
            }
            Apply(preview, replaceCurrent: !Started, avoid: null);
            _pendingKey = null;
            LogContextMoved(_logger, UserId!, preview.Context.ContextKey, Started);
            changed = true;
        }
        else
        {
            // Back to the plan's context before the candidate held: a glance, forgotten.
            _pendingKey = null;
        }
        return FollowMoodMidTrackLocked(now) || changed;
    }

    /// <summary>
    /// A reactive player whose current track was chosen for another context crossfades to the plan's first track
    /// when the plan follows a mood seen (an emotion, confident enough), no sooner than the least time between
    /// switches. A face leaving, the time of day or an older activity never cut a track.
    /// </summary>
    private bool FollowMoodMidTrackLocked(DateTimeOffset now)
    {
        if (Reactivity != PlayerReactivity.WithinSeconds || !Started || _current is null || _plan is null || EmotionOverride is not null
            || RequestedActivity is not null || _plan.Source != RecommendationSource.Emotion
            || (_plan.Context.EmotionConfidence ?? 0) < _options.MinSwitchConfidence
            || Key(_current.ChosenBy) == Key(_plan) || _queue.Count == 0 || _currentChosenByListener)
        {
            return false;
        }
        var wait = _lastMoodSwitch + _options.MinTimeBetweenSwitches - now;
        if (wait > TimeSpan.Zero)
        {
            ScheduleRecheckLocked(wait);
            return false;
        }
        _lastMoodSwitch = now;
        var from = _current;
        _history.Add(from);
        if (_history.Count > _options.HistoryLength)
        {
            _history.RemoveAt(0);
        }
        _current = _queue[0];
        _queue.RemoveAt(0);
        _currentChosenByListener = false;
        CurrentTransition = TrackTransition.Crossfade;
        PlanChangedSinceCurrent = false;
        ResetTransportLocked();
        LogMoodSwitch(_logger, UserId!, from.Track.Id, _current.Track.Id, _plan.Context.ContextKey);
        return true;
    }

    /// <summary>Runs the context check again after <paramref name="delay"/> even if no report comes (a still face may stop reporting).</summary>
    private void ScheduleRecheckLocked(TimeSpan delay)
    {
        if (_recheck is not null || _disposed)
        {
            return;
        }
        _recheck = _time.CreateTimer(_ =>
        {
            lock (_lock)
            {
                _recheck?.Dispose();
                _recheck = null;
            }
            RefreshFromContext();
        }, null, delay + TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan);
    }

    private static string Key(Recommendation r) => r.Source + "|" + r.Context.ContextKey;

    /// <summary>Replaces the current track and the queue now and plays (a query typed, an activity asked for).</summary>
    private void ReplaceNowLocked()
    {
        var wasStarted = Started;
        var previous = _current;
        _pendingKey = null;
        ReplanLocked(replaceCurrent: true);
        if (previous is not null && wasStarted && !ReferenceEquals(previous, _current))
        {
            _history.Add(previous);
            if (_history.Count > _options.HistoryLength)
            {
                _history.RemoveAt(0);
            }
        }
        // Fading is for music already playing; otherwise the new track simply starts.
        CurrentTransition = IsPlaying && wasStarted ? TrackTransition.Crossfade : TrackTransition.Cut;
        IsPlaying = _current is not null;
    }

    private void ReplanLocked(bool replaceCurrent, string? avoid = null) => Apply(Ask(), replaceCurrent, avoid);

    private Recommendation Ask() => _recommender.Recommend(new RecommendationRequest
    {
        UserId = UserId!,
        Mode = Mode,
        Text = Text,
        Emotion = EmotionOverride,
        Activity = RequestedActivity,
        IgnoreObservedEmotion = RequestedActivity is not null && EmotionOverride is null,
    });

    private void Apply(Recommendation plan, bool replaceCurrent, string? avoid)
    {
        if (_plan is null || Key(plan) != Key(_plan))
        {
            // A context that held before it was applied has been there since it was first seen.
            _planKeySince = _pendingKey == Key(plan) ? _pendingSince : _time.GetUtcNow();
        }
        _plan = plan;
        var held = plan.Source == RecommendationSource.Emotion ? _time.GetUtcNow() - _planKeySince : (TimeSpan?)null;
        var tracks = plan.Tracks.Select(t => new QueuedTrack(t, plan, held, RequestedActivity)).ToList();
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
            _currentChosenByListener = false;
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
            _recheck?.Dispose();
            _recheck = null;
        }
        _context.Changed -= OnContextChanged;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Player attached to {UserId} in {Mode} mode")]
    private static partial void LogAttached(ILogger logger, string userId, RecommendationMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feedback from {UserId} on {TrackId}: {Kind}")]
    private static partial void LogFeedback(ILogger logger, string userId, string trackId, FeedbackKind kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Context of {UserId} moved to {ContextKey}; current track started: {Started}")]
    private static partial void LogContextMoved(ILogger logger, string userId, string contextKey, bool started);

    [LoggerMessage(Level = LogLevel.Information, Message = "Player of {UserId} follows a held mood mid-track: {FromTrackId} -> {ToTrackId} ({ContextKey})")]
    private static partial void LogMoodSwitch(ILogger logger, string userId, string fromTrackId, string toTrackId, string contextKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A player view failed to handle a change")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
