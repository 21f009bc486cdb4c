using Microsoft.Extensions.Time.Testing;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Playback.Tests;

/// <summary>
/// The kiosk's hysteresis on a fake clock: the room's mood needs a lasting majority, an empty room falls back to the
/// time of day, and a track is cut for a new mood only after the minimum play time, at most once per that time.
/// </summary>
public sealed class KioskMoodDirectorTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(200); // 5 frames a second, the kiosk's default

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 17, 0, 0, TimeSpan.Zero));
    private readonly KioskOptions _options = new()
    {
        MoodWindow = TimeSpan.FromSeconds(10),
        MoodShare = 0.6,
        EmptyAfter = TimeSpan.FromSeconds(15),
        MinPlayTime = TimeSpan.FromSeconds(90),
        CountHold = TimeSpan.FromSeconds(2),
    };

    private KioskMoodDirector NewDirector() => new(_options, _time);

    /// <summary>Feeds frames for <paramref name="duration"/>; <paramref name="moodAt"/> picks each frame's group mood by index.</summary>
    private int Feed(KioskMoodDirector director, TimeSpan duration, int people, Func<int, string?> moodAt)
    {
        var changes = 0;
        var frames = (int)(duration / Frame);
        for (var i = 0; i < frames; i++)
        {
            _time.Advance(Frame);
            if (director.Observe(people, people > 0 ? moodAt(i) : null))
            {
                changes++;
            }
        }
        return changes;
    }

    private int FeedSteady(KioskMoodDirector director, TimeSpan duration, int people, string? mood) => Feed(director, duration, people, _ => mood);

    [Fact]
    public void A_steady_group_mood_becomes_the_room_mood_once_it_has_held_half_the_window()
    {
        var director = NewDirector();

        FeedSteady(director, TimeSpan.FromSeconds(4), 3, "happy");
        Assert.Null(director.RoomMood); // one glance is not a room

        FeedSteady(director, TimeSpan.FromSeconds(1.2), 3, "happy");
        Assert.Equal("happy", director.RoomMood);
        Assert.Equal(3, director.PeopleInView);
    }

    [Fact]
    public void Two_moods_taking_turns_never_replace_each_other()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(10), 2, "neutral");
        Assert.Equal("neutral", director.RoomMood);

        // Every other frame happy: 50% is below the 60% a mood needs, for ten minutes.
        var changes = Feed(director, TimeSpan.FromMinutes(10), 2, i => i % 2 == 0 ? "happy" : "neutral");
        Assert.Equal(0, changes);
        Assert.Equal("neutral", director.RoomMood);

        // Even a 55/45 lean towards another mood, mixed through the window, does not move it.
        changes = Feed(director, TimeSpan.FromMinutes(2), 2, i => i % 2 == 0 || i % 20 == 19 ? "happy" : "neutral");
        Assert.Equal(0, changes);
        Assert.Equal("neutral", director.RoomMood);
    }

    [Fact]
    public void A_clear_majority_replaces_the_mood_once()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(10), 2, "neutral");

        // Three frames in four happy: changes once, and stays.
        var changes = Feed(director, TimeSpan.FromMinutes(1), 2, i => i % 4 == 0 ? "neutral" : "happy");

        Assert.Equal(1, changes);
        Assert.Equal("happy", director.RoomMood);
    }

    [Fact]
    public void The_room_empties_only_after_nobody_was_seen_for_EmptyAfter_even_without_frames()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(10), 4, "happy");

        // Frames with nobody in them, for less than EmptyAfter: still the same room (someone bent down to tie a shoe).
        FeedSteady(director, TimeSpan.FromSeconds(14), 0, null);
        Assert.Equal("happy", director.RoomMood);
        Assert.Equal(0, director.PeopleInView);

        // No frames at all (camera gone); the timer's tick empties the room on time.
        _time.Advance(TimeSpan.FromSeconds(0.8));
        Assert.False(director.Tick());
        _time.Advance(TimeSpan.FromSeconds(0.4));
        Assert.True(director.Tick());
        Assert.Null(director.RoomMood);
    }

    [Fact]
    public void The_people_count_holds_over_a_missed_detection()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(3), 3, "happy");

        // The detector misses one face for half a second.
        FeedSteady(director, TimeSpan.FromSeconds(0.6), 2, "happy");
        Assert.Equal(3, director.PeopleInView);

        // Gone for longer than CountHold: the count follows.
        FeedSteady(director, TimeSpan.FromSeconds(2.4), 2, "happy");
        Assert.Equal(2, director.PeopleInView);
    }

    [Fact]
    public void A_new_mood_waits_for_the_track_end_or_the_minimum_play_time()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(10), 2, "neutral");
        director.TrackStarted();
        Assert.Equal("neutral", director.TrackMood);

        FeedSteady(director, TimeSpan.FromSeconds(20), 2, "happy");
        Assert.Equal("happy", director.RoomMood);
        Assert.False(director.ShouldChangeTrack()); // 20 s into the track
        Assert.Equal(TimeSpan.FromSeconds(70), director.UntilTrackMayChange());

        _time.Advance(TimeSpan.FromSeconds(69));
        Assert.False(director.ShouldChangeTrack());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(director.ShouldChangeTrack());
    }

    [Fact]
    public void A_mood_that_comes_back_before_the_minimum_time_changes_nothing()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(10), 2, "neutral");
        director.TrackStarted();

        FeedSteady(director, TimeSpan.FromSeconds(20), 2, "happy");
        Assert.Equal("happy", director.RoomMood);
        FeedSteady(director, TimeSpan.FromSeconds(20), 2, "neutral");
        Assert.Equal("neutral", director.RoomMood);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(director.ShouldChangeTrack());
        Assert.Null(director.UntilTrackMayChange());
    }

    [Fact]
    public void The_music_changes_at_most_once_per_minimum_play_time_however_often_the_room_changes()
    {
        var director = NewDirector();
        var moods = new[] { "happy", "neutral", "surprise", "sad" };
        FeedSteady(director, TimeSpan.FromSeconds(10), 3, moods[0]);
        director.TrackStarted();
        var cuts = new List<DateTimeOffset>();

        // The room's mood changes every 12 s for 20 minutes (a new group every few seconds).
        for (var step = 0; step < 100; step++)
        {
            var mood = moods[(step + 1) % moods.Length];
            for (var f = 0; f < 60; f++)
            {
                _time.Advance(Frame);
                director.Observe(3, mood);
                if (director.ShouldChangeTrack())
                {
                    cuts.Add(_time.GetUtcNow());
                    director.TrackStopped();
                    director.TrackStarted(); // the next track starts at once, chosen for the mood of now
                }
            }
        }

        Assert.NotEmpty(cuts);
        for (var i = 1; i < cuts.Count; i++)
        {
            Assert.True(cuts[i] - cuts[i - 1] >= _options.MinPlayTime, $"cut {i} came {(cuts[i] - cuts[i - 1]).TotalSeconds} s after the previous one");
        }
    }

    [Fact]
    public void An_empty_room_counts_as_a_mood_change_for_the_playing_track()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(10), 2, "angry");
        director.TrackStarted();

        _time.Advance(TimeSpan.FromSeconds(100));
        director.Tick();

        Assert.Null(director.RoomMood);
        Assert.True(director.ShouldChangeTrack()); // the angry track has played 100 s; the time-of-day music takes over
    }

    [Fact]
    public void Nothing_is_cut_while_no_track_plays()
    {
        var director = NewDirector();
        FeedSteady(director, TimeSpan.FromSeconds(10), 2, "happy");
        director.TrackStarted();
        director.TrackStopped();
        FeedSteady(director, TimeSpan.FromSeconds(10), 2, "sad");
        _time.Advance(TimeSpan.FromMinutes(3));

        Assert.False(director.ShouldChangeTrack());
    }
}
