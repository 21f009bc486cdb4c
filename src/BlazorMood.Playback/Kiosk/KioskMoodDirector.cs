namespace BlazorMood.Playback.Kiosk;

/// <summary>
/// Decides, for one kiosk, what the room's mood is and when the music may follow it. Two hysteresis steps keep the
/// music from flapping as people come and go and faces change from frame to frame:
/// <list type="number">
/// <item>The <b>room mood</b> changes only when another group mood holds at least <see cref="KioskOptions.MoodShare"/>
/// (over one half) of the frames of the last <see cref="KioskOptions.MoodWindow"/>; two moods taking turns leave it as
/// it is. Nobody in view for <see cref="KioskOptions.EmptyAfter"/> makes it null: the time-of-day music.</item>
/// <item>The <b>music</b> follows the room mood at the next track boundary; it cuts a track short only when the track
/// was chosen for another mood and has played at least <see cref="KioskOptions.MinPlayTime"/>, so the music changes
/// at most once per <see cref="KioskOptions.MinPlayTime"/>, and a mood that comes back in time changes nothing.</item>
/// </list>
/// Pure logic on a <see cref="TimeProvider"/> (tests drive it with a fake clock); not thread-safe, the owner locks.
/// </summary>
public sealed class KioskMoodDirector
{
    private readonly KioskOptions _options;
    private readonly TimeProvider _time;

    // Frames with someone in view: when, and the group mood of that frame.
    private readonly Queue<(DateTimeOffset At, string Mood)> _moods = new();

    // Every frame's people count, for the held count.
    private readonly Queue<(DateTimeOffset At, int People)> _counts = new();

    private DateTimeOffset? _lastSeenAt;
    private DateTimeOffset? _trackStartedAt;
    private string? _trackMood;
    private bool _trackPlaying;

    public KioskMoodDirector(KioskOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>The room's mood that drives the music (an emotion label); null while nobody is in view (time of day).</summary>
    public string? RoomMood { get; private set; }

    /// <summary>
    /// People in view: the largest count of the <see cref="KioskOptions.CountHold"/> before the latest frame (a missed
    /// detection does not make someone vanish); 0 when no frame came for <see cref="KioskOptions.EmptyAfter"/>.
    /// </summary>
    public int PeopleInView
    {
        get
        {
            if (_counts.Count == 0 || _time.GetUtcNow() - _counts.Last().At >= _options.EmptyAfter)
            {
                return 0;
            }
            return _counts.Max(c => c.People);
        }
    }

    /// <summary>The mood the current track was chosen for (null: the time-of-day music); meaningful while a track plays.</summary>
    public string? TrackMood => _trackMood;

    /// <summary>
    /// One analysed frame: how many people are in it and their group mood (null when nobody). Returns true when the
    /// room mood changed.
    /// </summary>
    public bool Observe(int people, string? groupMood)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(people);
        var now = _time.GetUtcNow();
        _counts.Enqueue((now, people));
        if (people > 0 && !string.IsNullOrEmpty(groupMood))
        {
            _lastSeenAt = now;
            _moods.Enqueue((now, groupMood));
        }
        return Decide(now);
    }

    /// <summary>Re-evaluates with no new frame (the camera may be gone): the room empties after <see cref="KioskOptions.EmptyAfter"/>.</summary>
    public bool Tick() => Decide(_time.GetUtcNow());

    /// <summary>A track started playing; it was chosen for the current room mood.</summary>
    public void TrackStarted()
    {
        _trackStartedAt = _time.GetUtcNow();
        _trackMood = RoomMood;
        _trackPlaying = true;
    }

    /// <summary>No track is playing (ended, failed); the next one starts from the room mood anyway.</summary>
    public void TrackStopped() => _trackPlaying = false;

    /// <summary>
    /// True when the playing track was chosen for another mood than the room's and has played long enough to be
    /// replaced now rather than at its end.
    /// </summary>
    public bool ShouldChangeTrack()
    {
        if (!_trackPlaying || _trackStartedAt is not { } started || string.Equals(_trackMood, RoomMood, StringComparison.Ordinal))
        {
            return false;
        }
        return _time.GetUtcNow() - started >= _options.MinPlayTime;
    }

    /// <summary>When <see cref="ShouldChangeTrack"/> may next become true (for a timer); null when nothing is pending.</summary>
    public TimeSpan? UntilTrackMayChange()
    {
        if (!_trackPlaying || _trackStartedAt is not { } started || string.Equals(_trackMood, RoomMood, StringComparison.Ordinal))
        {
            return null;
        }
        var left = started + _options.MinPlayTime - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private bool Decide(DateTimeOffset now)
    {
        Expire(now);
        var previous = RoomMood;
        if (_lastSeenAt is not { } seen || now - seen >= _options.EmptyAfter)
        {
            RoomMood = null;
        }
        else if (Leader() is { } leader && !string.Equals(leader, RoomMood, StringComparison.Ordinal))
        {
            RoomMood = leader;
        }
        return !string.Equals(previous, RoomMood, StringComparison.Ordinal);
    }

    /// <summary>The mood holding at least the required share of the window, when the window has seen enough of the room.</summary>
    private string? Leader()
    {
        if (_moods.Count == 0)
        {
            return null;
        }
        // One frame is not a room: the frames must span half the window before anything is decided.
        var span = _moods.Last().At - _moods.Peek().At;
        if (span < _options.MoodWindow / 2)
        {
            return null;
        }
        var (mood, count) = _moods.GroupBy(m => m.Mood, StringComparer.Ordinal)
            .Select(g => (g.Key, Count: g.Count()))
            .MaxBy(g => g.Count);
        return count >= _options.MoodShare * _moods.Count ? mood : null;
    }

    private void Expire(DateTimeOffset now)
    {
        while (_moods.Count > 0 && now - _moods.Peek().At > _options.MoodWindow)
        {
            _moods.Dequeue();
        }
        // Counts are held relative to the latest frame, so a stalled camera keeps showing its last count.
        var latest = _counts.Count > 0 ? _counts.Last().At : now;
        while (_counts.Count > 1 && latest - _counts.Peek().At > _options.CountHold)
        {
            _counts.Dequeue();
        }
    }
}
