namespace BlazorMood.Playback.Kiosk;

/// <summary>
/// Decides, for one kiosk, what the room is like (a <see cref="RoomReading"/>: energy and mood) and when the music may
/// follow it. Hysteresis keeps the music from flapping as people come and go and faces change from frame to frame:
/// <list type="number">
/// <item>The <b>energy</b> is the average share of the picture that moved over <see cref="KioskOptions.EnergyWindow"/>
/// (with <see cref="KioskOptions.BusyRoomPeople"/> people in view at least <see cref="RoomEnergy.Moving"/>); a level is
/// left only when the average falls a quarter below its threshold. It is known after half the window, also for
/// people whose faces the camera does not see.</item>
/// <item>The <b>room mood</b> changes only when another group mood holds at least <see cref="KioskOptions.MoodShare"/>
/// (over one half) of the frames of the last <see cref="KioskOptions.MoodWindow"/>; two moods taking turns leave it as
/// it is. Angry or disgusted faces at high energy read as <see cref="RoomReading.Effort"/>. Nobody in view (no face,
/// no movement) for <see cref="KioskOptions.EmptyAfter"/> makes the reading null: the time-of-day music.</item>
/// <item>The <b>music</b> follows the reading at the next track boundary; it cuts a track short only when the track
/// was chosen for other music and has played at least <see cref="KioskOptions.MinPlayTime"/>
/// (<see cref="KioskOptions.TimeOfDayMinPlayTime"/> for time-of-day music chosen before anyone was read), so the music
/// changes at most once per <see cref="KioskOptions.MinPlayTime"/>, and a reading that comes back in time changes nothing.</item>
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

    // Every measured frame's share of moving picture, for the energy.
    private readonly Queue<(DateTimeOffset At, float Motion)> _motions = new();

    private DateTimeOffset? _lastSeenAt;
    private DateTimeOffset? _trackStartedAt;
    private RoomReading? _trackReading;
    private bool _trackPlaying;
    private string? _leadingMood;

    public KioskMoodDirector(KioskOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>
    /// What the room is like, driving the music; null while nobody is in view (time of day) or before anything is
    /// known (neither the energy nor a mood).
    /// </summary>
    public RoomReading? Reading { get; private set; }

    /// <summary>The room's mood in the reading (an emotion label or <see cref="RoomReading.Effort"/>); null while none leads.</summary>
    public string? RoomMood => Reading?.Mood;

    /// <summary>The room's energy in the reading; null while not known (no movement measured yet) or nobody is in view.</summary>
    public RoomEnergy? Energy => Reading?.Energy;

    /// <summary>True while someone is in view: a face, or movement, seen within <see cref="KioskOptions.EmptyAfter"/>.</summary>
    public bool SomeoneInView => _lastSeenAt is { } seen && _time.GetUtcNow() - seen < _options.EmptyAfter;

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
    public string? TrackMood => _trackReading?.Mood;

    /// <summary>The reading the current track was chosen for (null: the time-of-day music); meaningful while a track plays.</summary>
    public RoomReading? TrackReading => _trackReading;

    /// <summary>
    /// One analysed frame: how many people are in it, their group mood (null when nobody) and the share of the picture
    /// that moved since the previous frame (null when not measured). Returns true when the reading changed.
    /// </summary>
    public bool Observe(int people, string? groupMood, float? motion = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(people);
        var now = _time.GetUtcNow();
        _counts.Enqueue((now, people));
        if (people > 0 && !string.IsNullOrEmpty(groupMood))
        {
            _lastSeenAt = now;
            _moods.Enqueue((now, groupMood));
        }
        if (motion is { } moved && float.IsFinite(moved))
        {
            _motions.Enqueue((now, Math.Clamp(moved, 0f, 1f)));
            // Movement shows someone is there even when no face is seen (bent over, turned away, far off).
            if (moved >= _options.MovingMotion)
            {
                _lastSeenAt = now;
            }
        }
        return Decide(now);
    }

    /// <summary>Re-evaluates with no new frame (the camera may be gone): the room empties after <see cref="KioskOptions.EmptyAfter"/>.</summary>
    public bool Tick() => Decide(_time.GetUtcNow());

    /// <summary>A track started playing; it was chosen for the current reading.</summary>
    public void TrackStarted()
    {
        _trackStartedAt = _time.GetUtcNow();
        _trackReading = Reading;
        _trackPlaying = true;
    }

    /// <summary>No track is playing (ended, failed); the next one starts from the room mood anyway.</summary>
    public void TrackStopped() => _trackPlaying = false;

    /// <summary>
    /// True when the playing track was chosen for another mood than the room's and has played long enough to be
    /// replaced now rather than at its end.
    /// </summary>
    public bool ShouldChangeTrack() => UntilTrackMayChange() == TimeSpan.Zero;

    /// <summary>When <see cref="ShouldChangeTrack"/> may next become true (for a timer); null when nothing is pending.</summary>
    public TimeSpan? UntilTrackMayChange()
    {
        if (!_trackPlaying || _trackStartedAt is not { } started || SameMusic(_trackReading, Reading))
        {
            return null;
        }
        // Time-of-day music was a stand-in until the room was read; the room's own music should not wait a whole track.
        var least = _trackReading is null && Reading is not null ? _options.TimeOfDayMinPlayTime : _options.MinPlayTime;
        var left = started + least - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Whether two readings ask for the same music (effort and a mood not yet known both leave it to the energy).</summary>
    public static bool SameMusic(RoomReading? a, RoomReading? b) =>
        string.Equals(a?.MusicKey, b?.MusicKey, StringComparison.Ordinal);

    private bool Decide(DateTimeOffset now)
    {
        Expire(now);
        var previous = Reading;
        if (_lastSeenAt is not { } seen || now - seen >= _options.EmptyAfter)
        {
            _leadingMood = null;
            _moods.Clear();
            Reading = null;
        }
        else
        {
            if (Leader() is { } leader)
            {
                _leadingMood = leader;
            }
            var energy = DecideEnergy(previous?.Energy);
            var mood = RoomReading.IsEffort(energy, _leadingMood) ? RoomReading.Effort : _leadingMood;
            Reading = energy is null && mood is null ? null : new RoomReading(energy, mood);
        }
        return previous != Reading;
    }

    /// <summary>
    /// The energy level of the average movement over the window, with hysteresis: a level is kept until the average
    /// falls a quarter below its threshold. Null until the window has been half seen.
    /// </summary>
    private RoomEnergy? DecideEnergy(RoomEnergy? current)
    {
        RoomEnergy? level = null;
        if (_motions.Count > 0 && _motions.Last().At - _motions.Peek().At >= _options.EnergyWindow / 2)
        {
            var average = _motions.Average(m => m.Motion);
            const double stay = 0.75;
            var high = current == RoomEnergy.High ? _options.HighMotion * stay : _options.HighMotion;
            var moving = current is RoomEnergy.Moving or RoomEnergy.High ? _options.MovingMotion * stay : _options.MovingMotion;
            level = average >= high ? RoomEnergy.High : average >= moving ? RoomEnergy.Moving : RoomEnergy.Calm;
        }
        else if (current is not null && _motions.Count > 0)
        {
            // The window thinned out (frames came slowly): keep what was known rather than forget it.
            level = current;
        }
        if (PeopleInView >= _options.BusyRoomPeople && level is null or RoomEnergy.Calm)
        {
            level = RoomEnergy.Moving;
        }
        return level;
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
        while (_motions.Count > 0 && now - _motions.Peek().At > _options.EnergyWindow)
        {
            _motions.Dequeue();
        }
        // Counts are held relative to the latest frame, so a stalled camera keeps showing its last count.
        var latest = _counts.Count > 0 ? _counts.Last().At : now;
        while (_counts.Count > 1 && latest - _counts.Peek().At > _options.CountHold)
        {
            _counts.Dequeue();
        }
    }
}
