using BlazorMood.Music;
using BlazorMood.Music.Context;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BlazorMood.Playback.Tests;

/// <summary>
/// The listener's player with the real recommender over a small in-memory library, fed emotion observations as the
/// live bridge does (one per frame) on a fake clock: a mood that holds crossfades the playing track, single frames
/// and short glances never reach "Up next", the music does not flap, a face leaving never cuts a track, and a typed
/// query or an activity asked for replaces the queue and plays at once.
/// </summary>
public sealed class PlayerStateTests : IDisposable
{
    private const string Listener = "listener-1";
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(200);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;
    private readonly PlayerOptions _options = new();

    public PlayerStateTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        // Three 30 s tracks per emotion and activity playlist.
        services.AddSingleton<IMusicLibrary>(StaticMusicLibrary.Of(
            PlaylistNames.Emotions.Select(PlaylistNames.ForEmotion)
                .Concat(PlaylistNames.Activities.Select(PlaylistNames.ForActivity))
                .SelectMany(p => new (string, string, double?)[] { (p, $"{p} one", 90), (p, $"{p} two", 100), (p, $"{p} three", 110) })));
        services.AddMusic(o => o.Recommender.RandomSeed = 1);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(_options));
        services.AddScoped<PlayerState>();
        _services = services.BuildServiceProvider();
        _scope = _services.CreateScope();
    }

    private PlayerState Player => _scope.ServiceProvider.GetRequiredService<PlayerState>();

    private IContextStore Context => _services.GetRequiredService<IContextStore>();

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }

    /// <summary>The face shows <paramref name="label"/> for <paramref name="duration"/>, one report per frame.</summary>
    private void See(string label, TimeSpan duration, double confidence = 0.8)
    {
        for (var t = TimeSpan.Zero; t < duration; t += Frame)
        {
            _time.Advance(Frame);
            Context.Report(Listener, new EmotionObservation(label, confidence, _time.GetUtcNow()));
        }
    }

    /// <summary>Time passes with nobody in view (in small steps, so timers fire when they are due).</summary>
    private void Wait(TimeSpan duration)
    {
        for (var t = TimeSpan.Zero; t < duration; t += Frame)
        {
            _time.Advance(Frame);
        }
    }

    /// <summary>Seconds of <paramref name="label"/> until the current track changes; null if it never does within <paramref name="limit"/>.</summary>
    private double? SecondsUntilTrackChanges(string label, TimeSpan limit)
    {
        var before = Player.Current!.Id;
        for (var t = TimeSpan.Zero; t < limit; t += Frame)
        {
            See(label, Frame);
            if (Player.Current!.Id != before)
            {
                return (t + Frame).TotalSeconds;
            }
        }
        return null;
    }

    private RecommendedTrack StartCurrent()
    {
        var current = Player.Current!;
        Player.SetPlaying(true);
        Player.OnStarted(current.Id);
        return current;
    }

    /// <summary>A reactive listener whose happy track plays.</summary>
    private RecommendedTrack PlayingHappy()
    {
        Player.Attach(Listener);
        Player.SetReactivity(PlayerReactivity.WithinSeconds);
        See("happy", TimeSpan.FromSeconds(5));
        Assert.Equal("emotion_happy", Player.Current!.Playlist);
        return StartCurrent();
    }

    [Fact]
    public void A_held_mood_change_crossfades_the_playing_track_within_seconds()
    {
        var happy = PlayingHappy();

        var seconds = SecondsUntilTrackChanges("sad", TimeSpan.FromSeconds(30));

        // Hold (3 s) plus at most one refresh interval (1 s) and a frame; far inside the 10 s promise.
        Assert.NotNull(seconds);
        Assert.InRange(seconds!.Value, _options.MoodHold.TotalSeconds, _options.MoodHold.TotalSeconds + 1.5);
        Assert.Equal("emotion_sad", Player.Current!.Playlist);
        Assert.Equal(TrackTransition.Crossfade, Player.CurrentTransition);
        Assert.All(Player.Queue, t => Assert.Equal("emotion_sad", t.Playlist));
        Assert.Equal(1, Player.HistoryCount);
        Assert.NotEqual(happy.Id, Player.Current.Id);
        Assert.False(Player.Started);
    }

    [Fact]
    public void Glances_shorter_than_the_hold_reach_neither_the_track_nor_up_next()
    {
        var happy = PlayingHappy();
        var queue = Player.Queue.Select(t => t.Id).ToArray();

        for (var i = 0; i < 5; i++)
        {
            See("sad", TimeSpan.FromSeconds(1.4));
            Assert.Equal(queue, Player.Queue.Select(t => t.Id));
            See("happy", TimeSpan.FromSeconds(1.4));
        }

        Assert.Equal(happy.Id, Player.Current!.Id);
        Assert.Equal(queue, Player.Queue.Select(t => t.Id));
        Assert.False(Player.PlanChangedSinceCurrent);
    }

    [Fact]
    public void After_a_mood_switch_the_next_one_waits_for_the_least_time_between_switches()
    {
        PlayingHappy();
        Assert.NotNull(SecondsUntilTrackChanges("sad", TimeSpan.FromSeconds(10)));
        StartCurrent();
        var sad = Player.Current!;

        // Happy again and held: the queue follows, the track does not flap back before the least time has passed.
        var back = SecondsUntilTrackChanges("happy", TimeSpan.FromSeconds(30));

        Assert.NotNull(back);
        Assert.True(back >= _options.MinTimeBetweenSwitches.TotalSeconds - 5, $"switched back after {back} s");
        Assert.Equal("emotion_happy", Player.Current!.Playlist);
        Assert.NotEqual(sad.Id, Player.Current.Id);
    }

    [Fact]
    public void A_face_that_leaves_never_cuts_the_track_and_the_queue_follows_once_the_emotion_is_stale()
    {
        var happy = PlayingHappy();

        Wait(TimeSpan.FromSeconds(20));
        Context.Report(Listener, new ActivityObservation("walking", 0.9, null, _time.GetUtcNow()));
        Wait(TimeSpan.FromSeconds(5));

        Assert.Equal(happy.Id, Player.Current!.Id);
        Assert.True(Player.PlanChangedSinceCurrent);
        Assert.All(Player.Queue, t => Assert.Equal("activity_walking", t.Playlist));
    }

    [Fact]
    public void A_weak_emotion_steers_the_queue_but_does_not_cut_the_track()
    {
        var happy = PlayingHappy();

        See("sad", TimeSpan.FromSeconds(8), confidence: 0.2);

        Assert.Equal(happy.Id, Player.Current!.Id);
        Assert.All(Player.Queue, t => Assert.Equal("emotion_sad", t.Playlist));
    }

    [Fact]
    public void At_track_end_reactivity_only_the_queue_follows_and_the_next_track_takes_over()
    {
        var happy = PlayingHappy();
        Player.SetReactivity(PlayerReactivity.TrackEnd);

        See("sad", TimeSpan.FromSeconds(8));

        Assert.Equal(happy.Id, Player.Current!.Id);
        Assert.True(Player.PlanChangedSinceCurrent);
        Player.Advance(AdvanceReason.Ended);
        Assert.Equal("emotion_sad", Player.Current!.Playlist);
        Assert.Equal(TrackTransition.Cut, Player.CurrentTransition);
    }

    [Fact]
    public void A_track_the_listener_went_back_to_is_not_taken_away_by_the_mood()
    {
        PlayingHappy();
        Player.Advance(AdvanceReason.Next);
        StartCurrent();
        Player.Previous();
        var chosen = StartCurrent();

        See("sad", TimeSpan.FromSeconds(25));

        Assert.Equal(chosen.Id, Player.Current!.Id);
        Assert.All(Player.Queue, t => Assert.Equal("emotion_sad", t.Playlist));
    }

    [Fact]
    public void A_typed_query_replaces_the_track_and_queue_and_plays_even_from_baseline()
    {
        var happy = PlayingHappy();
        Assert.Equal(RecommendationMode.Baseline, Player.Mode);

        Player.SetText("upbeat workout");

        Assert.Equal(RecommendationMode.Context, Player.Mode);
        Assert.Equal(RecommendationSource.Text, Player.CurrentReason!.Source);
        Assert.NotEqual(happy.Id, Player.Current!.Id);
        Assert.True(Player.IsPlaying);
        Assert.Equal(TrackTransition.Crossfade, Player.CurrentTransition);
        Assert.Equal(Player.Plan, Player.CurrentReason);
        Assert.DoesNotContain(Player.Queue, t => t.Id == Player.Current.Id);
        Assert.StartsWith("You asked for \u201cupbeat workout\u201d", Player.CurrentExplanation, StringComparison.Ordinal);

        // The face goes on being happy: the typed wish keeps the music.
        var asked = Player.Current.Id;
        StartCurrent();
        See("sad", TimeSpan.FromSeconds(20));
        Assert.Equal(asked, Player.Current!.Id);
    }

    [Fact]
    public void A_query_before_anything_played_starts_the_music()
    {
        Player.Attach(Listener);

        Player.SetText("calm focus");

        Assert.True(Player.IsPlaying);
        Assert.Equal(TrackTransition.Cut, Player.CurrentTransition);
        Assert.Equal(RecommendationSource.Text, Player.CurrentReason!.Source);
    }

    [Fact]
    public void Music_for_an_activity_plays_that_activity_and_a_face_in_view_does_not_take_over()
    {
        PlayingHappy();
        // The latest job saw someone standing; the listener asks for an older job's walking.
        Context.Report(Listener, new ActivityObservation("standing", 0.9, null, _time.GetUtcNow()));

        Player.PlayActivity("walking");

        Assert.Equal("activity_walking", Player.Current!.Playlist);
        Assert.True(Player.IsPlaying);
        Assert.All(Player.Queue, t => Assert.Equal("activity_walking", t.Playlist));
        Assert.StartsWith("You asked for music for walking, so here is something ", Player.CurrentExplanation, StringComparison.Ordinal);

        StartCurrent();
        See("happy", TimeSpan.FromSeconds(25));
        Assert.Equal("activity_walking", Player.Current!.Playlist);
        Player.Advance(AdvanceReason.Ended);
        Assert.Equal("activity_walking", Player.Current!.Playlist);

        // Given back to the context: the face steers the queue again.
        Player.ClearRequestedActivity();
        See("happy", TimeSpan.FromSeconds(1));
        Assert.All(Player.Queue, t => Assert.Equal("emotion_happy", t.Playlist));
    }

    [Fact]
    public void The_explanation_names_the_mood_and_how_long_it_held_in_plain_words()
    {
        PlayingHappy();
        SecondsUntilTrackChanges("sad", TimeSpan.FromSeconds(10));

        var text = Player.CurrentExplanation!;

        Assert.Matches(@"^You have looked sad for the last \d+ seconds, so here is something [a-z ]+ at \d+ BPM\.$", text);
        Assert.DoesNotContain("emotion_", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d\.\d", text);
    }
}
