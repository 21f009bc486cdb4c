using Microsoft.Extensions.Time.Testing;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Playback.Tests;

/// <summary>
/// The kiosk's energy on a fake clock: movement (the share of the picture that changes from frame to frame) and the
/// number of people set the room's energy within seconds, also when no face is seen; angry or disgusted faces during a
/// workout read as effort and leave the music to the energy; time-of-day music gives way to the first reading quickly.
/// </summary>
public sealed class KioskRoomEnergyTests
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(200);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 17, 0, 0, TimeSpan.Zero));
    private readonly KioskOptions _options = new()
    {
        MoodWindow = TimeSpan.FromSeconds(10),
        MoodShare = 0.6,
        EmptyAfter = TimeSpan.FromSeconds(15),
        MinPlayTime = TimeSpan.FromSeconds(90),
        TimeOfDayMinPlayTime = TimeSpan.FromSeconds(10),
        EnergyWindow = TimeSpan.FromSeconds(3),
        MovingMotion = 0.035,
        HighMotion = 0.08,
        BusyRoomPeople = 8,
    };

    private KioskMoodDirector NewDirector() => new(_options, _time);

    private void Feed(KioskMoodDirector director, TimeSpan duration, int people, string? mood, Func<int, float?> motionAt)
    {
        var frames = (int)(duration / Frame);
        for (var i = 0; i < frames; i++)
        {
            _time.Advance(Frame);
            director.Observe(people, people > 0 ? mood : null, motionAt(i));
        }
    }

    private void Feed(KioskMoodDirector director, TimeSpan duration, int people, string? mood, float motion) =>
        Feed(director, duration, people, mood, _ => motion);

    [Fact]
    public void A_person_moving_hard_with_no_face_seen_gets_a_high_energy_reading_within_two_seconds()
    {
        var director = NewDirector();

        Feed(director, TimeSpan.FromSeconds(1.2), 0, null, 0.2f);
        Assert.Null(director.Reading); // not yet half the energy window
        Assert.True(director.SomeoneInView);

        Feed(director, TimeSpan.FromSeconds(0.6), 0, null, 0.2f);
        Assert.Equal(new RoomReading(RoomEnergy.High, null), director.Reading);
        Assert.Equal("exercising", director.Reading!.Activity);
        Assert.Null(director.RoomMood);
    }

    [Fact]
    public void Energy_levels_follow_the_average_movement_with_hysteresis()
    {
        var director = NewDirector();
        Feed(director, TimeSpan.FromSeconds(4), 1, "neutral", 0.01f);
        Assert.Equal(RoomEnergy.Calm, director.Energy);

        Feed(director, TimeSpan.FromSeconds(4), 1, "neutral", 0.05f);
        Assert.Equal(RoomEnergy.Moving, director.Energy);

        Feed(director, TimeSpan.FromSeconds(4), 1, "neutral", 0.12f);
        Assert.Equal(RoomEnergy.High, director.Energy);

        // Between a quarter below the threshold and the threshold: still high (a breath between repetitions).
        Feed(director, TimeSpan.FromSeconds(6), 1, "neutral", 0.065f);
        Assert.Equal(RoomEnergy.High, director.Energy);

        Feed(director, TimeSpan.FromSeconds(4), 1, "neutral", 0.05f);
        Assert.Equal(RoomEnergy.Moving, director.Energy);

        Feed(director, TimeSpan.FromSeconds(4), 1, "neutral", 0.0f);
        Assert.Equal(RoomEnergy.Calm, director.Energy);
    }

    [Fact]
    public void Jumping_every_other_frame_averages_out_to_high_energy()
    {
        var director = NewDirector();

        // Jumping jacks: the picture changes a lot at each turn and little at the top and bottom of a jump.
        Feed(director, TimeSpan.FromSeconds(5), 1, null, i => i % 2 == 0 ? 0.2f : 0.02f);

        Assert.Equal(RoomEnergy.High, director.Energy);
    }

    [Fact]
    public void A_busy_room_is_at_least_moving_however_still()
    {
        var director = NewDirector();
        Feed(director, TimeSpan.FromSeconds(4), 11, "neutral", 0.0f);

        Assert.Equal(RoomEnergy.Moving, director.Energy);
        Assert.Equal(11, director.PeopleInView);
    }

    [Theory]
    [InlineData("angry")]
    [InlineData("disgust")]
    public void Angry_or_disgusted_faces_during_a_workout_read_as_effort_and_leave_the_music_to_the_energy(string grimace)
    {
        var director = NewDirector();
        Feed(director, TimeSpan.FromSeconds(6), 2, grimace, 0.15f);

        Assert.Equal(new RoomReading(RoomEnergy.High, RoomReading.Effort), director.Reading);
        Assert.Null(director.Reading!.MusicEmotion);
        Assert.Equal("exercising/-", director.Reading.MusicKey);
    }

    [Fact]
    public void The_same_faces_at_rest_are_read_as_they_are()
    {
        var director = NewDirector();
        Feed(director, TimeSpan.FromSeconds(6), 2, "angry", 0.15f);
        Assert.Equal(RoomReading.Effort, director.RoomMood);

        // The workout ends; the faces stay angry: that is a mood, not effort.
        Feed(director, TimeSpan.FromSeconds(6), 2, "angry", 0.0f);
        Assert.Equal(new RoomReading(RoomEnergy.Calm, "angry"), director.Reading);
        Assert.Equal("angry", director.Reading!.MusicEmotion);
    }

    [Fact]
    public void A_happy_workout_keeps_its_mood()
    {
        var director = NewDirector();
        Feed(director, TimeSpan.FromSeconds(6), 3, "happy", 0.15f);

        Assert.Equal(new RoomReading(RoomEnergy.High, "happy"), director.Reading);
        Assert.Equal("exercising/happy", director.Reading!.MusicKey);
    }

    [Fact]
    public void Time_of_day_music_gives_way_to_the_first_reading_after_the_short_minimum()
    {
        var director = NewDirector();
        director.TrackStarted(); // nobody in view: the time-of-day track
        Assert.Null(director.TrackReading);

        Feed(director, TimeSpan.FromSeconds(2), 1, null, 0.2f);
        Assert.NotNull(director.Reading);
        Assert.Equal(TimeSpan.FromSeconds(8), director.UntilTrackMayChange());

        _time.Advance(TimeSpan.FromSeconds(8));
        Assert.True(director.ShouldChangeTrack());
    }

    [Fact]
    public void Effort_found_later_does_not_change_music_chosen_for_the_energy_alone()
    {
        var director = NewDirector();
        Feed(director, TimeSpan.FromSeconds(2), 2, "angry", 0.2f);
        Assert.Equal(new RoomReading(RoomEnergy.High, null), director.Reading); // the faces need half the mood window
        director.TrackStarted();

        Feed(director, TimeSpan.FromSeconds(10), 2, "angry", 0.2f);
        Assert.Equal(RoomReading.Effort, director.RoomMood);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(director.ShouldChangeTrack());
        Assert.Null(director.UntilTrackMayChange());
    }

    [Fact]
    public void Movement_keeps_the_room_occupied_and_stillness_with_no_face_empties_it()
    {
        var director = NewDirector();
        Feed(director, TimeSpan.FromSeconds(10), 1, "happy", 0.1f);
        Assert.Equal(new RoomReading(RoomEnergy.High, "happy"), director.Reading);

        // The face is hidden (squatting, turned away) but the person keeps moving: still the same room.
        Feed(director, TimeSpan.FromSeconds(30), 0, null, 0.1f);
        Assert.NotNull(director.Reading);
        Assert.True(director.SomeoneInView);

        // Nothing moves and nobody is seen: empty after EmptyAfter.
        Feed(director, TimeSpan.FromSeconds(14.8), 0, null, 0.0f);
        Assert.NotNull(director.Reading);
        Feed(director, TimeSpan.FromSeconds(0.4), 0, null, 0.0f);
        Assert.Null(director.Reading);
        Assert.False(director.SomeoneInView);
    }
}
