using BlazorMood.Events;
using BlazorMood.Music;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using BlazorMood.Live;
using BlazorMood.Playback;
using BlazorMood.Playback.Kiosk;
using BlazorMood.Music.Context;

namespace BlazorMood.Playback.Tests;

/// <summary>
/// A kiosk's session with the real recommender and player over a small in-memory library, fed hub results through the
/// real notifier on a fake clock: the group mood steers the queue, cuts a track only after the minimum play time,
/// an empty room gives the music back to the time of day, and the admin's schedule, bans and pins apply live.
/// </summary>
public sealed class KioskSessionTests : IDisposable
{
    private const string Listener = "kiosk-device-user";
    private const string HubSession = "kiosk-device-user";
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(200);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero)); // afternoon (UTC)
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;
    private readonly KioskOptions _options = new() { MinPlayTime = TimeSpan.FromSeconds(90), EmptyAfter = TimeSpan.FromSeconds(15) };
    private readonly TestCuration _curation = new();

    public KioskSessionTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        // Two tracks per emotion playlist, 30 s each, and a playlist that serves no emotion (for a daypart schedule).
        services.AddSingleton<IMusicLibrary>(StaticMusicLibrary.Of(PlaylistNames.Emotions.SelectMany(e => new (string, string, double?)[]
        {
            (PlaylistNames.ForEmotion(e), $"{e} one", 100),
            (PlaylistNames.ForEmotion(e), $"{e} two", 110),
        }).Concat([("afternoon_mix", "siesta one", 95), ("afternoon_mix", "siesta two", 105)])));
        services.AddSingleton<ICurationState>(_curation);
        services.AddMusic(o => o.Recommender.RandomSeed = 1);
        services.AddOptions<PlayerOptions>();
        services.AddScoped<PlayerState>();
        services.AddEventBus();
        services.AddSingleton<LiveMoodNotifier>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(_options));
        services.AddScoped<KioskSession>();
        _services = services.BuildServiceProvider();
        _scope = _services.CreateScope();
    }

    private KioskSession Session => _scope.ServiceProvider.GetRequiredService<KioskSession>();

    private PlayerState Player => _scope.ServiceProvider.GetRequiredService<PlayerState>();

    private LiveMoodNotifier Notifier => _services.GetRequiredService<LiveMoodNotifier>();

    private void SeeGroup(TimeSpan duration, int people, string? mood, float? motion = null)
    {
        for (var t = TimeSpan.Zero; t < duration; t += Frame)
        {
            _time.Advance(Frame);
            Notifier.Publish(new LiveUpdate(HubSession, new FrameResult
            {
                Status = FrameStatus.Ok,
                Faces = Enumerable.Range(1, people).Select(i => new LiveFace { TrackId = i, Label = mood ?? "", Confidence = 0.8f }).ToArray(),
                Group = people > 0 ? new MoodReading { Label = mood!, Confidence = 0.8f } : null,
                Motion = motion,
            }, null));
        }
    }

    /// <summary>The audio element reports that the current track started.</summary>
    private RecommendedTrack StartCurrent()
    {
        var current = Player.Current!;
        Player.OnStarted(current.Id);
        return current;
    }

    private void StartKiosk()
    {
        Session.Start(Listener);
        Session.Follow(HubSession);
    }

    [Fact]
    public void The_music_starts_at_once_with_the_default_playlist_while_nobody_is_in_view()
    {
        StartKiosk();

        Assert.Equal(Listener, Player.UserId);
        Assert.Equal(RecommendationMode.Baseline, Player.Mode);
        Assert.True(Player.IsPlaying);
        Assert.Equal(PlaylistNames.Neutral, Player.Current!.Playlist);
        Assert.Equal(RecommendationSource.Default, Player.Plan!.Source);
        Assert.Null(Session.RoomMood);
        Assert.Equal(0, Session.PeopleInView);
    }

    [Fact]
    public void With_a_daypart_schedule_nobody_in_view_plays_the_time_of_day_playlist_and_a_new_schedule_applies_live()
    {
        _curation.Set(Schedule("afternoon_mix", "afternoon"));
        StartKiosk();
        Assert.Equal("afternoon_mix", Player.Current!.Playlist);
        Assert.Equal(RecommendationSource.Time, Player.Plan!.Source);
        Assert.Equal("afternoon", Player.Plan.Context.Daypart);

        // The admin moves the schedule to the evening while a track plays: it goes on; the queue follows at once.
        var playing = StartCurrent();
        _curation.Set(Schedule("afternoon_mix", "evening"));

        Assert.Equal(playing.Id, Player.Current!.Id);
        Assert.Equal(PlaylistNames.Neutral, Player.Queue[0].Playlist);
        Player.Advance(AdvanceReason.Ended);
        Assert.Equal(PlaylistNames.Neutral, Player.Current!.Playlist);
    }

    [Fact]
    public void A_ban_of_the_playing_track_stops_it_at_once()
    {
        StartKiosk();
        var playing = StartCurrent();

        _curation.Set(new CurationSnapshot(2, [], [$"{playing.Playlist}/{playing.Title}.opus"], null));

        Assert.NotEqual(playing.Id, Player.Current!.Id);
        Assert.DoesNotContain(Player.Queue, t => t.Id == playing.Id);
    }

    [Fact]
    public void A_pinned_playlist_takes_over_at_once_whatever_the_room_mood()
    {
        StartKiosk();
        SeeGroup(TimeSpan.FromSeconds(6), 2, "happy");
        var playing = StartCurrent();
        Assert.NotEqual("emotion_sad", playing.Playlist);

        _curation.Set(new CurationSnapshot(3, [], [], "emotion_sad"));

        Assert.Equal("emotion_sad", Player.Current!.Playlist);
        Assert.All(Player.Queue, t => Assert.Equal("emotion_sad", t.Playlist));
        Assert.Equal(RecommendationSource.Pinned, Player.Plan!.Source);

        // The new track was chosen for the pin: a pin that stays never cuts it, however long it plays.
        var pinned = StartCurrent();
        SeeGroup(TimeSpan.FromSeconds(100), 2, "happy");
        Assert.Equal(pinned.Id, Player.Current!.Id);
    }

    private static CurationSnapshot Schedule(string playlist, string daypart) =>
        new(1, [new PlaylistCuration(playlist, null, [daypart])], [], null);

    [Fact]
    public void The_group_mood_steers_the_queue_without_cutting_the_track_and_plays_at_the_next_one()
    {
        StartKiosk();
        var playing = StartCurrent();

        SeeGroup(TimeSpan.FromSeconds(6), 3, "happy");

        Assert.Equal(3, Session.PeopleInView);
        Assert.Equal("happy", Session.RoomMood);
        Assert.Equal("happy", Player.EmotionOverride);
        Assert.Equal(playing.Id, Player.Current!.Id); // never cut before the minimum play time
        Assert.True(Player.PlanChangedSinceCurrent);
        Assert.Equal("emotion:happy", Player.Plan!.Context.ContextKey);
        Assert.Equal(RecommendationMode.Context, Player.Plan.Mode);

        Player.Advance(AdvanceReason.Ended);

        // Context mode: chosen for the group's happy mood (feedback may order happy and surprise tracks either way).
        Assert.Equal("emotion:happy", Player.CurrentReason!.Context.ContextKey);
        Assert.Equal(RecommendationSource.Emotion, Player.CurrentReason.Source);
        Assert.Contains(Player.Current!.Playlist, new[] { "emotion_happy", "emotion_surprise" });
    }

    [Fact]
    public void After_the_minimum_play_time_a_track_of_another_mood_is_replaced_without_a_touch()
    {
        StartKiosk();
        SeeGroup(TimeSpan.FromSeconds(6), 2, "happy");
        var playing = StartCurrent(); // chosen for the happy room
        SeeGroup(TimeSpan.FromSeconds(10), 2, "sad");
        Assert.Equal("sad", Session.RoomMood);
        Assert.Equal(playing.Id, Player.Current!.Id);

        // The room stays sad: at 89 s the track still plays; the first look after 90 s replaces it.
        SeeGroup(_options.MinPlayTime - TimeSpan.FromSeconds(11), 2, "sad");
        Assert.Equal(playing.Id, Player.Current!.Id);
        SeeGroup(TimeSpan.FromSeconds(1.2), 2, "sad");

        Assert.NotEqual(playing.Id, Player.Current!.Id);
        Assert.Equal("emotion:sad", Player.CurrentReason!.Context.ContextKey);
        Assert.False(Player.Started); // the element starts it; until then nothing else may cut it
    }

    [Fact]
    public void Time_of_day_music_gives_way_to_the_room_within_the_short_minimum()
    {
        StartKiosk();
        var playing = StartCurrent(); // nobody in view yet

        SeeGroup(TimeSpan.FromSeconds(6), 2, "happy");
        Assert.Equal(playing.Id, Player.Current!.Id);
        SeeGroup(TimeSpan.FromSeconds(4.2), 2, "happy");

        Assert.NotEqual(playing.Id, Player.Current!.Id);
        Assert.Equal("emotion:happy", Player.CurrentReason!.Context.ContextKey);
    }

    [Fact]
    public void A_workout_with_grimaces_plays_music_for_the_energy_never_for_anger_and_the_screen_says_effort()
    {
        StartKiosk();
        SeeGroup(TimeSpan.FromSeconds(2), 0, null, 0.2f);

        // Within two seconds, with no face seen: high energy, music for exercising, no emotion.
        Assert.Equal(new RoomReading(RoomEnergy.High, null), Session.Reading);
        Assert.Equal(RecommendationMode.Context, Player.Mode);
        Assert.Null(Player.EmotionOverride);
        Assert.Equal("exercising", Player.Plan!.Context.Activity);

        // Faces appear, straining: the screen reads effort, the music still follows the energy alone.
        SeeGroup(TimeSpan.FromSeconds(8), 2, "angry", 0.2f);
        Assert.Equal(new RoomReading(RoomEnergy.High, RoomReading.Effort), Session.Reading);
        Assert.Null(Player.EmotionOverride);
        Assert.Equal("exercising", Player.Plan!.Context.Activity);
        Assert.Null(Player.Plan.Context.Emotion);
        // What plays and the next three: upbeat (the exercising region), none from the angry playlist.
        Assert.DoesNotContain(Player.Queue.Prepend(Player.Current!).Take(4), t => t.Playlist == "emotion_angry");

        // The workout ends and the room empties: the kiosk's activity is dropped, the time of day plays again.
        SeeGroup(TimeSpan.FromSeconds(16), 0, null, 0f);
        Assert.Null(Session.Reading);
        Assert.Equal(RecommendationMode.Baseline, Player.Mode);
        Assert.Null(Player.Plan!.Context.Activity);
    }

    [Fact]
    public void A_track_chosen_for_the_room_mood_is_never_cut()
    {
        StartKiosk();
        SeeGroup(TimeSpan.FromSeconds(6), 2, "happy");
        var playing = StartCurrent();
        Assert.Equal("emotion_happy", playing.Playlist);

        SeeGroup(TimeSpan.FromMinutes(3), 2, "happy");

        Assert.Equal(playing.Id, Player.Current!.Id);
    }

    [Fact]
    public void When_nobody_is_in_view_the_time_of_day_takes_over_again()
    {
        StartKiosk();
        _curation.Set(Schedule("afternoon_mix", "afternoon"));
        SeeGroup(TimeSpan.FromSeconds(6), 4, "angry");
        Assert.Equal("angry", Player.EmotionOverride);
        Assert.Equal(RecommendationMode.Context, Player.Mode);
        Assert.Equal("emotion:angry", Player.Plan!.Context.ContextKey);

        SeeGroup(TimeSpan.FromSeconds(3), 0, null);
        Assert.Equal("angry", Session.RoomMood); // a few seconds without anyone is not an empty room yet
        _time.Advance(_options.EmptyAfter);

        Assert.Null(Session.RoomMood);
        Assert.Null(Player.EmotionOverride);
        Assert.Equal(0, Session.PeopleInView);
        Assert.Equal(RecommendationMode.Baseline, Player.Mode);
        Assert.Equal(RecommendationSource.Time, Player.Plan!.Source);
        Assert.Equal("afternoon_mix", Player.Current!.Playlist);
    }

    [Fact]
    public void Camera_reports_are_kept_with_their_reason_until_the_camera_is_back()
    {
        StartKiosk();
        Assert.Equal(KioskCameraState.Starting, Session.Camera);
        var changes = 0;
        Session.Changed += () => changes++;

        Session.OnCamera(KioskCameraState.Lost, "The camera stopped sending pictures.");
        Assert.Equal(KioskCameraState.Lost, Session.Camera);
        Assert.Equal("The camera stopped sending pictures.", Session.CameraMessage);

        Session.OnCamera(KioskCameraState.On, "");
        Assert.Equal(KioskCameraState.On, Session.Camera);
        Assert.Null(Session.CameraMessage);
        Assert.Equal(2, changes);
    }

    [Fact]
    public void Results_of_other_hub_sessions_and_rejected_frames_are_ignored()
    {
        StartKiosk();

        Notifier.Publish(new LiveUpdate("someone-else", new FrameResult { Status = FrameStatus.Ok, Faces = [new LiveFace(), new LiveFace()] }, null));
        Notifier.Publish(new LiveUpdate(HubSession, new FrameResult { Status = FrameStatus.Dropped }, null));

        Assert.Equal(0, Session.FramesAnalysed);
        Assert.Equal(0, Session.PeopleInView);
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }

    /// <summary>The admin's curation, changed by the test the way the curation store changes it: a new snapshot, then the event.</summary>
    private sealed class TestCuration : ICurationState
    {
        public CurationSnapshot Current { get; private set; } = CurationSnapshot.Empty;

        public event EventHandler<CurationSnapshot>? Changed;

        public void Set(CurationSnapshot snapshot)
        {
            Current = snapshot;
            Changed?.Invoke(this, snapshot);
        }
    }
}
