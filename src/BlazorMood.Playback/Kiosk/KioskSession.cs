using BlazorMood.Events;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.Options;
using BlazorMood.Live;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Playback.Kiosk;

/// <summary>What the kiosk knows of its camera.</summary>
public enum KioskCameraState
{
    /// <summary>Asking the browser for the camera.</summary>
    Starting,

    /// <summary>Frames are being sent.</summary>
    On,

    /// <summary>The camera stopped (unplugged, taken); the page asks for it again every few seconds.</summary>
    Lost,

    /// <summary>The browser refused or has no camera; the page asks again every few seconds.</summary>
    Unavailable,
}

/// <summary>
/// One kiosk screen (scoped to its circuit): follows the live results of the page's camera stream, lets the
/// <see cref="KioskMoodDirector"/> turn them into the room's reading (energy from people and movement, the group's
/// mood), and steers the circuit's <see cref="PlayerState"/> with it: while people are in view the reading's energy
/// stands in for the listener's activity (its tempo and arousal) and its mood for the listener's emotion (context
/// mode: activity, emotion, time of day, schedules and feedback blended; a grimace of effort leaves the music to the
/// energy); while nobody is, the original rule plays the admin's playlist
/// scheduled for this part of the day (or the default playlist without one). A track is cut short only when the
/// director says so, or when an admin bans it or pins another
/// playlist (curation applies live; schedules take over at the next track). Only counts and moods are kept here; no face,
/// box or picture. Thread-safe: hub results, timer ticks and the audio element's reports arrive on different threads.
/// </summary>
public sealed partial class KioskSession : IDisposable
{
    private readonly Lock _lock = new();

    // Serialises what the session tells the player (hub thread, timer, curation change), so a newer room mood is
    // never overtaken by an older one and a track is cut once. Taken before _lock, never the other way round.
    private readonly Lock _steer = new();
    private readonly LiveMoodNotifier _notifier;
    private readonly PlayerState _player;
    private readonly ICurationState _curation;
    private readonly IContextStore _context;
    private readonly KioskStreams? _kioskStreams;
    private readonly KioskOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KioskSession> _logger;
    private readonly KioskMoodDirector _director;
    private IDisposable? _subscription;
    private IDisposable? _followed;
    private ITimer? _timer;
    private string? _listener;
    private bool _activityReported;
    private string? _hubSession;
    private string? _startedTrackId;
    private RoomReading? _appliedReading;
    private bool _disposed;

    public KioskSession(
        LiveMoodNotifier notifier,
        PlayerState player,
        ICurationState curation,
        IContextStore context,
        IOptions<KioskOptions> options,
        TimeProvider time,
        ILogger<KioskSession> logger,
        KioskStreams? kioskStreams = null)
    {
        _notifier = notifier;
        _player = player;
        _curation = curation;
        _context = context;
        _kioskStreams = kioskStreams;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _director = new KioskMoodDirector(_options, time);
    }

    /// <summary>Raised after anything shown changed (on the changing thread; components marshal with InvokeAsync).</summary>
    public event Action? Changed;

    public PlayerState Player => _player;

    /// <summary>People in view now (held briefly over missed detections).</summary>
    public int PeopleInView { get { lock (_lock) { return _director.PeopleInView; } } }

    /// <summary>The room's mood driving the music; null while nobody is in view or no mood leads yet.</summary>
    public string? RoomMood { get { lock (_lock) { return _director.RoomMood; } } }

    /// <summary>The room's reading (energy and mood) the music follows; null while nobody is in view or nothing is known yet.</summary>
    public RoomReading? Reading { get { lock (_lock) { return _director.Reading; } } }

    /// <summary>The reading the playing track was chosen for (null: time-of-day music).</summary>
    public RoomReading? TrackReading { get { lock (_lock) { return _director.TrackReading; } } }

    /// <summary>The playing track was chosen for other music than the reading asks for; it changes at the latest after the minimum play time.</summary>
    public bool MusicChangePending { get { lock (_lock) { return _director.UntilTrackMayChange() is not null; } } }

    /// <summary>Someone is in view (a face or movement seen lately), even before there is a reading.</summary>
    public bool SomeoneInView { get { lock (_lock) { return _director.SomeoneInView; } } }

    /// <summary>The group mood of the latest frame (before the director's hysteresis).</summary>
    public MoodReading? LatestGroup { get; private set; }

    public KioskCameraState Camera { get; private set; } = KioskCameraState.Starting;

    /// <summary>Why the camera is not on, in the browser's words.</summary>
    public string? CameraMessage { get; private set; }

    /// <summary>Frames analysed since the page opened.</summary>
    public long FramesAnalysed { get; private set; }

    public bool Started { get; private set; }

    /// <summary>
    /// Starts the music for <paramref name="listenerId"/> (the kiosk's signed-in identity) in context mode, playing
    /// on its own, and the timer that empties the room and applies the minimum play time without new frames.
    /// </summary>
    public void Start(string listenerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(listenerId);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Started)
            {
                return;
            }
            Started = true;
            _listener = listenerId;
            _player.SetMode(ModeFor((RoomReading?)null));
            _player.Attach(listenerId);
            _player.SetPlaying(true);
            _player.Changed += OnPlayerChanged;
            _curation.Changed += OnCurationChanged;
            _timer = _time.CreateTimer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
        LogStarted(_logger, listenerId);
        Raise();
    }

    /// <summary>Follows the live results of the page's hub connection (called again after a reconnect).</summary>
    public void Follow(string hubSession)
    {
        ArgumentException.ThrowIfNullOrEmpty(hubSession);
        lock (_lock)
        {
            if (_disposed || string.Equals(hubSession, _hubSession, StringComparison.Ordinal))
            {
                return;
            }
            _subscription?.Dispose();
            _followed?.Dispose();
            _hubSession = hubSession;
            _followed = _kioskStreams?.Follow(hubSession);
            // Inline: a short state update under the session's locks, in frame order, as the frame is answered.
            _subscription = _notifier.Subscribe(hubSession, OnLiveUpdate, EventDelivery.Inline);
        }
    }

    /// <summary>The page's report of its camera (<c>on</c>, <c>lost</c>, <c>unavailable</c>).</summary>
    public void OnCamera(KioskCameraState state, string? message)
    {
        lock (_lock)
        {
            Camera = state;
            CameraMessage = state == KioskCameraState.On || string.IsNullOrWhiteSpace(message) ? null : message;
        }
        if (state != KioskCameraState.On)
        {
            LogCamera(_logger, state, message ?? "");
        }
        Raise();
    }

    internal Task OnLiveUpdate(LiveUpdate update)
    {
        if (update.Frame is not { Status: FrameStatus.Ok } frame)
        {
            return Task.CompletedTask;
        }
        lock (_lock)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }
            FramesAnalysed++;
            LatestGroup = frame.Faces.Length > 0 ? frame.Group : null;
            _director.Observe(frame.Faces.Length, LatestGroup?.Label, frame.Motion);
        }
        Steer();
        Raise();
        return Task.CompletedTask;
    }

    private void Tick()
    {
        bool moodChanged;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            moodChanged = _director.Tick();
            if (moodChanged)
            {
                LatestGroup = null;
            }
        }
        Steer();
        if (moodChanged)
        {
            Raise();
        }
    }

    /// <summary>
    /// People in view: the context mode, where their group mood is the emotion. Nobody: the original rule, whose
    /// "nothing known" branch is the admin's time-of-day schedule.
    /// </summary>
    public static RecommendationMode ModeFor(string? roomMood) => roomMood is null ? RecommendationMode.Baseline : RecommendationMode.Context;

    /// <summary>A reading of the room: the context mode. None (nobody, or nothing known yet): the original rule's time of day.</summary>
    public static RecommendationMode ModeFor(RoomReading? reading) => reading is null ? RecommendationMode.Baseline : RecommendationMode.Context;

    /// <summary>
    /// Brings the player in line with the director: a new room mood re-plans what has not started (the player never
    /// cuts a track for it); a track chosen for an old mood ends early only when the director says its time is up.
    /// </summary>
    private void Steer()
    {
        lock (_steer)
        {
            RoomReading? reading;
            bool change;
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }
                reading = _director.Reading;
            }
            if (!KioskMoodDirector.SameMusic(reading, _appliedReading))
            {
                _appliedReading = reading;
                LogReading(_logger, reading?.Energy?.ToString() ?? "-", reading?.Mood ?? "-", reading?.MusicKey ?? "(nobody: time of day)");
                ApplyActivity(reading);
                _player.SetMode(ModeFor(reading));
                _player.SetEmotionOverride(reading?.MusicEmotion);
            }
            var mood = reading?.Mood;
            lock (_lock)
            {
                change = _director.ShouldChangeTrack();
                if (change)
                {
                    // The next track starts from the new mood; until it plays, nothing else may cut it.
                    _director.TrackStopped();
                }
            }
            if (change)
            {
                LogTrackCut(_logger, _player.Current?.Id ?? "", mood ?? "time of day");
                _player.Advance(AdvanceReason.Next);
            }
        }
    }

    /// <summary>
    /// The reading's energy goes to the recommender as the listener's activity (its tempo and arousal); with no
    /// energy known the kiosk's earlier report is dropped, so the time of day (or the mood alone) decides again.
    /// </summary>
    private void ApplyActivity(RoomReading? reading)
    {
        if (_listener is null)
        {
            return;
        }
        if (reading?.Activity is { } activity)
        {
            _context.Report(_listener, new ActivityObservation(activity, 1, null, _time.GetUtcNow()));
            _activityReported = true;
        }
        else if (_activityReported)
        {
            _context.Forget(_listener);
            _activityReported = false;
        }
    }

    /// <summary>
    /// An admin changed the curation: the plan follows at once, and the playing track stops when it is banned or a
    /// pinned playlist now rules and it is not from it (a gym's screen should not finish a track the admin took away).
    /// </summary>
    private void OnCurationChanged(object? sender, CurationSnapshot curation)
    {
        lock (_steer)
        {
            ApplyCuration(curation);
        }
    }

    private void ApplyCuration(CurationSnapshot curation)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
        }
        _player.Refresh();
        if (_player.Current is not { } current || !_player.Started)
        {
            return;
        }
        var pinned = _player.Plan is { Source: RecommendationSource.Pinned } plan ? plan.Context.Playlist : null;
        var banned = curation.IsBanned(current.Id);
        if (!banned && (pinned is null || string.Equals(pinned, current.Playlist, StringComparison.Ordinal)))
        {
            return;
        }
        LogCurationCut(_logger, current.Id, banned ? "banned" : "pinned " + pinned);
        lock (_lock)
        {
            _director.TrackStopped();
        }
        _player.Advance(AdvanceReason.Next);
    }

    private void OnPlayerChanged()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            var current = _player.Current?.Id;
            if (string.Equals(current, _startedTrackId, StringComparison.Ordinal))
            {
                return;
            }
            if (_player.Started && current is not null)
            {
                _startedTrackId = current;
                _director.TrackStarted();
            }
            else if (_startedTrackId is not null)
            {
                // The track that played has gone (ended, skipped); the next one has not begun: nothing to cut meanwhile.
                _startedTrackId = null;
                _director.TrackStopped();
            }
            else
            {
                return;
            }
        }
        // What the playing track was chosen for is on screen beside the reading.
        Raise();
    }

    private void Raise()
    {
        // Each view on its own: one that fails must neither stop the others nor the hub thread that reported.
        foreach (var view in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action)view)();
            }
            catch (Exception e)
            {
                LogHandlerFailed(_logger, e);
            }
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
            _subscription?.Dispose();
            _followed?.Dispose();
            _timer?.Dispose();
        }
        _player.Changed -= OnPlayerChanged;
        _curation.Changed -= OnCurationChanged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk started for {ListenerId}")]
    private static partial void LogStarted(ILogger logger, string listenerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk reading: energy {Energy}, mood {Mood}; music for {MusicKey}")]
    private static partial void LogReading(ILogger logger, string energy, string mood, string musicKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk: track {TrackId} ends early for the room's new mood ({Mood})")]
    private static partial void LogTrackCut(ILogger logger, string trackId, string mood);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk: track {TrackId} stops at once: {Why}")]
    private static partial void LogCurationCut(ILogger logger, string trackId, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kiosk camera {State}: {Message}")]
    private static partial void LogCamera(ILogger logger, KioskCameraState state, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A kiosk view failed to handle a change")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
