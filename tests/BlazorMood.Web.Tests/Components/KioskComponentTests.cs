using Bunit;
using BlazorMood.Web.Components.Pages.Kiosk;
using BlazorMood.Web.Kiosk;
using BlazorMood.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Live;
using BlazorMood.Playback;
using BlazorMood.Playback.Kiosk;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// The kiosk's components: the people count, the room's mood, the always-on camera indicator with its notice, the
/// privacy notice, and the page wired to the real session, player and notifier with the browser modules mocked.
/// </summary>
public sealed class KioskComponentTests : MudComponentTest
{
    private const string Listener = "kiosk-device-user";
    private const string HubSession = "kiosk-device-user";
    private readonly KioskOptions _kiosk = new();
    private readonly BunitJSModuleInterop _audio;

    public KioskComponentTests()
    {
        Context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(_kiosk));
        Context.Services.AddScoped<KioskSession>();
        Context.Services.AddSingleton<KioskDeviceEvents>();
        var kiosk = Context.JSInterop.SetupModule(KioskPage.ModulePath);
        kiosk.SetupModule("create", _ => true).SetupVoid("dispose").SetVoidResult();
        _audio = Context.JSInterop.SetupModule(KioskNowPlaying.ModulePath).SetupModule("create", _ => true);
        _audio.Setup<string?>("load", _ => true).SetResult(null);
        _audio.Setup<string?>("play").SetResult(null);
        _audio.SetupVoid("dispose").SetVoidResult();
        // The screen is signed in as its device's account.
        SignIn(Listener, BlazorMood.Accounts.Roles.Kiosk);
    }

    private PlayerState Player => Context.Services.GetRequiredService<PlayerState>();

    private void SeeGroup(TimeSpan duration, int people, string mood, float? motion = null)
    {
        var notifier = Context.Services.GetRequiredService<LiveMoodNotifier>();
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromMilliseconds(200))
        {
            Time.Advance(TimeSpan.FromMilliseconds(200));
            notifier.Publish(new LiveUpdate(HubSession, new FrameResult
            {
                Status = FrameStatus.Ok,
                Faces = Enumerable.Range(1, people).Select(i => new LiveFace { TrackId = i, Label = mood, Confidence = 0.7f }).ToArray(),
                Group = people > 0 ? new MoodReading { Label = mood, Confidence = 0.7f } : null,
                Motion = motion,
            }, null));
        }
    }

    [Theory]
    [InlineData(0, "nobody in view")]
    [InlineData(1, "person in view")]
    [InlineData(4, "people in view")]
    public void The_people_count_says_how_many_never_who(int count, string label)
    {
        var cut = Context.Render<PeopleCount>(p => p.Add(c => c.Count, count));

        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), cut.Find(".people-count__number").TextContent);
        Assert.Equal(label, cut.Find(".people-count__label").TextContent);
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), cut.Find("[data-testid=people-count]").GetAttribute("data-count"));
    }

    [Fact]
    public void The_room_mood_shows_the_group_emotion_reading_or_the_time_of_day()
    {
        var cut = Context.Render<RoomMood>(p => p.Add(c => c.Reading, new RoomReading(null, "happy")).Add(c => c.People, 3).Add(c => c.Daypart, "afternoon"));
        Assert.Equal("happy", cut.Find("[data-testid=room-mood]").GetAttribute("data-label"));
        Assert.Equal("Happy", cut.Find("[data-testid=room-mood-title]").TextContent);
        Assert.Contains("😄", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("the 3 of you", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("Music for a happy mood", cut.Find("[data-testid=room-mood-music]").TextContent.Trim());

        cut.Render(p => p.Add(c => c.Reading, null).Add(c => c.People, 2));
        Assert.Equal("Reading the room…", cut.Find("[data-testid=room-mood-title]").TextContent);

        cut.Render(p => p.Add(c => c.Reading, null).Add(c => c.People, 0).Add(c => c.Daypart, "late-evening"));
        Assert.Equal("Late evening music", cut.Find("[data-testid=room-mood-title]").TextContent);
        Assert.Contains("nobody in view", cut.Markup, StringComparison.Ordinal);

        // Movement with no face counted: someone is there.
        cut.Render(p => p.Add(c => c.Reading, null).Add(c => c.People, 0).Add(c => c.SomeoneInView, true));
        Assert.Equal("Reading the room…", cut.Find("[data-testid=room-mood-title]").TextContent);
    }

    [Fact]
    public void A_workout_shows_its_energy_and_a_grimace_of_effort_says_so_in_plain_words()
    {
        var cut = Context.Render<RoomMood>(p => p.Add(c => c.Reading, new RoomReading(RoomEnergy.High, null)).Add(c => c.People, 0).Add(c => c.SomeoneInView, true));
        Assert.Equal("High energy", cut.Find("[data-testid=room-mood-title]").TextContent);
        Assert.Equal("high", cut.Find("[data-testid=room-mood]").GetAttribute("data-energy"));
        Assert.Equal("Music for workout pace", cut.Find("[data-testid=room-mood-music]").TextContent.Trim());

        cut.Render(p => p.Add(c => c.Reading, new RoomReading(RoomEnergy.High, RoomReading.Effort)).Add(c => c.People, 2));
        Assert.Equal("Effort", cut.Find("[data-testid=room-mood-title]").TextContent);
        Assert.Contains("faces of effort, not anger", cut.Find("[data-testid=room-mood-caption]").TextContent, StringComparison.Ordinal);
        Assert.Equal("effort", cut.Find("[data-testid=room-mood]").GetAttribute("data-label"));
        // The music line names what chose the music: the pace, no emotion (never angry music for effort).
        Assert.Equal("Music for workout pace", cut.Find("[data-testid=room-mood-music]").TextContent.Trim());
        Assert.Equal("exercising/-", cut.Find("[data-testid=room-mood]").GetAttribute("data-music"));

        cut.Render(p => p.Add(c => c.Reading, new RoomReading(RoomEnergy.Calm, "sad")).Add(c => c.MusicFollowsAtNextTrack, true));
        Assert.Equal("Sad", cut.Find("[data-testid=room-mood-title]").TextContent);
        Assert.Equal("Music for a calm pace, sad mood from the next track", cut.Find("[data-testid=room-mood-music]").TextContent.Trim());
    }

    [Theory]
    [InlineData(11, false, "11", "people in view")]
    [InlineData(0, true, "1+", "moving, no face in view")]
    public void The_people_count_shows_large_rooms_and_people_seen_only_by_their_movement(int count, bool moving, string number, string label)
    {
        var cut = Context.Render<PeopleCount>(p => p.Add(c => c.Count, count).Add(c => c.SomeoneMoving, moving));

        Assert.Equal(number, cut.Find(".people-count__number").TextContent);
        Assert.Equal(label, cut.Find(".people-count__label").TextContent);
    }

    [Fact]
    public void The_camera_indicator_is_always_there_and_a_lost_camera_adds_a_notice_that_it_keeps_trying()
    {
        var cut = Context.Render<CameraIndicator>(p => p.Add(c => c.State, KioskCameraState.On).Add(c => c.RetryInterval, TimeSpan.FromSeconds(5)));
        Assert.Equal("on", cut.Find("[data-testid=camera-indicator]").GetAttribute("data-state"));
        Assert.Contains("Camera on", cut.Find("[data-testid=camera-indicator]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=camera-notice]"));

        cut.Render(p => p.Add(c => c.State, KioskCameraState.Lost).Add(c => c.Message, "The camera stopped sending pictures."));
        Assert.Equal("lost", cut.Find("[data-testid=camera-indicator]").GetAttribute("data-state"));
        var notice = cut.Find("[data-testid=camera-notice]").TextContent;
        Assert.Contains("The camera was lost.", notice, StringComparison.Ordinal);
        Assert.Contains("every 5 s", notice, StringComparison.Ordinal);
        Assert.Contains("The camera stopped sending pictures.", cut.Find("[data-testid=camera-notice-detail]").TextContent, StringComparison.Ordinal);

        cut.Render(p => p.Add(c => c.State, KioskCameraState.Unavailable).Add(c => c.Message, null));
        Assert.Contains("not available", cut.Find("[data-testid=camera-notice]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=camera-notice-detail]"));
    }

    [Fact]
    public void The_privacy_notice_says_pictures_are_never_stored_and_no_one_is_identified()
    {
        var cut = Context.Render<PrivacyNotice>();

        var text = cut.Find("[data-testid=privacy-notice]").TextContent;
        Assert.Contains("never stored", text, StringComparison.Ordinal);
        Assert.Contains("no one is identified", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_page_plays_at_once_and_shows_the_count_and_the_group_mood_from_the_live_results()
    {
        var cut = Context.Render<KioskPage>();

        // Music from the start, for the signed-in device, without a click.
        Assert.Equal(Listener, Player.UserId);
        var load = Assert.Single(_audio.Invocations["load"]);
        Assert.Equal(true, load.Arguments[2]);
        Assert.Equal("playing", cut.Find("[data-testid=kiosk-now-playing]").GetAttribute("data-state"));
        // Always on screen, whatever the camera does.
        cut.Find("[data-testid=privacy-notice]");
        Assert.Equal("starting", cut.Find("[data-testid=camera-indicator]").GetAttribute("data-state"));

        cut.InvokeAsync(() => cut.Instance.OnSession(HubSession));
        cut.InvokeAsync(() => cut.Instance.OnCamera("on", ""));
        SeeGroup(TimeSpan.FromSeconds(6), 3, "surprise");
        Time.Advance(TimeSpan.FromSeconds(1)); // the render throttle's trailing render

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=people-count]").GetAttribute("data-count")));
        Assert.Equal("surprise", cut.Find("[data-testid=room-mood]").GetAttribute("data-label"));
        Assert.Equal("on", cut.Find("[data-testid=camera-indicator]").GetAttribute("data-state"));
        Assert.Equal("surprise", Player.EmotionOverride);
        // Counts and moods only: nothing on the page names or frames a face.
        Assert.Empty(cut.FindAll("[data-testid=live-face]"));
        Assert.Empty(cut.FindAll("canvas"));
    }

    [Fact]
    public void A_grimacing_workout_shows_effort_and_the_track_says_it_was_chosen_for_the_same_reading()
    {
        var cut = Context.Render<KioskPage>();
        cut.InvokeAsync(() => cut.Instance.OnSession(HubSession));
        cut.InvokeAsync(() => cut.Instance.OnCamera("on", ""));
        // The time-of-day track starts before anyone is read.
        Player.OnStarted(Player.Current!.Id);
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("chosen for the time of day", cut.Find("[data-testid=kiosk-track-chosen-for]").TextContent));

        // Someone moves hard with no face seen, then grimacing faces: high energy, effort, never angry music.
        SeeGroup(TimeSpan.FromSeconds(2), 0, "", 0.2f);
        SeeGroup(TimeSpan.FromSeconds(9), 2, "angry", 0.2f);
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Equal("high", cut.Find("[data-testid=kiosk]").GetAttribute("data-energy")));
        Assert.Equal("Effort", cut.Find("[data-testid=room-mood-title]").TextContent);
        Assert.Null(Player.EmotionOverride);
        // The time-of-day track gave way after the short minimum; the next one was chosen for this reading.
        Player.OnStarted(Player.Current!.Id);
        Time.Advance(TimeSpan.FromSeconds(1)); // the render throttle's trailing render
        cut.WaitForAssertion(() => Assert.Equal("chosen for workout pace", cut.Find("[data-testid=kiosk-track-chosen-for]").TextContent));
        Assert.Equal("Music for workout pace", cut.Find("[data-testid=room-mood-music]").TextContent.Trim());
        Assert.NotEqual("emotion_angry", Player.Current!.Playlist);
    }

    [Fact]
    public void A_lost_camera_shows_the_notice_and_the_music_goes_on()
    {
        var cut = Context.Render<KioskPage>();

        cut.InvokeAsync(() => cut.Instance.OnCamera("lost", "The camera stopped sending pictures."));
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Equal("lost", cut.Find("[data-testid=camera-indicator]").GetAttribute("data-state")));
        Assert.Contains("Trying again every 5 s", cut.Find("[data-testid=camera-notice]").TextContent, StringComparison.Ordinal);
        Assert.Equal("playing", cut.Find("[data-testid=kiosk-now-playing]").GetAttribute("data-state"));
    }

    [Fact]
    public void A_track_that_cannot_play_is_replaced_by_itself_after_a_short_pause()
    {
        var cut = Context.Render<KioskPage>();
        var music = cut.FindComponent<KioskNowPlaying>();
        var failed = Player.Current!.Id;

        cut.InvokeAsync(() => music.Instance.OnError(failed, "decode error"));
        cut.WaitForAssertion(() => Assert.Contains("starts by itself", cut.Find("[data-testid=kiosk-player-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(failed, Player.Current!.Id);

        Time.Advance(KioskNowPlaying.FailedTrackPause);

        cut.WaitForAssertion(() => Assert.NotEqual(failed, Player.Current!.Id));
        cut.WaitForAssertion(() => Assert.Equal(Player.Current!.Id, _audio.Invocations["load"][^1].Arguments[0]));
    }

    [Fact]
    public void A_revoked_device_leaves_for_the_refusal_page_at_once()
    {
        var cut = Context.Render<KioskPage>();
        var navigation = Context.Services.GetRequiredService<NavigationManager>();

        Context.Services.GetRequiredService<KioskDeviceEvents>().RaiseRevoked("another-device");
        Assert.DoesNotContain("refused", navigation.Uri, StringComparison.Ordinal);

        Context.Services.GetRequiredService<KioskDeviceEvents>().RaiseRevoked(Listener);

        cut.WaitForAssertion(() => Assert.EndsWith("/kiosk/refused?reason=revoked", navigation.Uri, StringComparison.Ordinal));
    }
}
