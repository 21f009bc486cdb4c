using Bunit;
using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Components.Pages.Home.Recommendations;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Playback;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// The Recommendations tab's player against an in-memory library (two tracks per emotion playlist) with the browser
/// module mocked: what it shows, what it tells the audio element, and how it follows context and feedback.
/// </summary>
public sealed class MusicPlayerTests : MudComponentTest
{
    private const string Session = "listener-1";
    private readonly BunitJSModuleInterop _player;

    public MusicPlayerTests()
    {
        var module = Context.JSInterop.SetupModule(MusicPlayer.ModulePath);
        _player = module.SetupModule("create", _ => true);
        _player.Setup<string?>("load", _ => true).SetResult(null);
        _player.Setup<string?>("crossfade", _ => true).SetResult(null);
        _player.Setup<string?>("play").SetResult(null);
        _player.SetupVoid("pause").SetVoidResult();
        _player.SetupVoid("seek", _ => true).SetVoidResult();
        _player.SetupVoid("setVolume", _ => true).SetVoidResult();
        _player.SetupVoid("dispose").SetVoidResult();
        // The listener is the signed-in account.
        SignIn(Session);
    }

    private PlayerState State => Context.Services.GetRequiredService<PlayerState>();

    private IContextStore ContextStore => Context.Services.GetRequiredService<IContextStore>();

    private IFeedbackStore Feedback => Context.Services.GetRequiredService<IFeedbackStore>();

    private IRenderedComponent<MusicPlayer> Render() => Context.Render<MusicPlayer>();

    private static string Attr(IRenderedComponent<MusicPlayer> cut, string name) => cut.Find("[data-testid=music-player]").GetAttribute(name) ?? "";

    private void SeeEmotion(string label) => ContextStore.Report(Session, new EmotionObservation(label, 0.9, Time.GetUtcNow()));

    /// <summary>The camera sees <paramref name="label"/> for <paramref name="seconds"/>, a report every 200 ms, as the live bridge does.</summary>
    private void SeeHeld(string label, double seconds)
    {
        for (var t = 0.0; t < seconds; t += 0.2)
        {
            Time.Advance(TimeSpan.FromMilliseconds(200));
            SeeEmotion(label);
        }
    }

    private void StartPlaying(IRenderedComponent<MusicPlayer> cut)
    {
        cut.Find("[data-testid=play-pause]").Click();
        cut.InvokeAsync(() => cut.Instance.OnPlaying(State.Current!.Id));
    }

    [Fact]
    public void The_listener_is_the_session_handed_over_from_prerendering()
    {
        Render();

        Assert.Equal(Session, State.UserId);
    }

    [Fact]
    public void Without_context_it_offers_the_default_playlist_with_metadata_reason_and_queue()
    {
        var cut = Render();

        Assert.Equal("default", Attr(cut, "data-source"));
        Assert.Equal("emotion_neutral", Attr(cut, "data-playlist"));
        Assert.Equal("baseline", Attr(cut, "data-mode"));
        Assert.Equal("paused", Attr(cut, "data-state"));
        Assert.Equal("neutral one", cut.Find("[data-testid=track-title]").TextContent);
        Assert.Equal("Generated", cut.Find("[data-testid=track-artist]").TextContent);
        Assert.Equal("0:30", cut.Find("[data-testid=track-duration]").TextContent);
        Assert.Equal("90 BPM", cut.Find("[data-testid=track-bpm]").TextContent);
        Assert.StartsWith("Nothing shows your mood yet, so here is something", cut.Find("[data-testid=reason-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal("From the Neutral playlist.", cut.Find("[data-testid=track-why]").TextContent);
        Assert.Equal("Neutral", cut.Find("[data-testid=track-playlist]").TextContent);
        var queued = Assert.Single(cut.FindAll("[data-testid=queue-item]"));
        Assert.Equal("emotion_neutral", queued.GetAttribute("data-playlist"));
        // Loaded into the element, not played: browsers only play after a gesture.
        var load = Assert.Single(_player.Invocations["load"]);
        Assert.Equal(false, load.Arguments[2]);
    }

    [Fact]
    public void Before_anything_plays_a_held_emotion_replaces_the_whole_plan()
    {
        var cut = Render();

        SeeHeld("happy", 1);
        Assert.Equal("default", Attr(cut, "data-source")); // not held yet
        SeeHeld("happy", 3);

        cut.WaitForAssertion(() => Assert.Equal("emotion", Attr(cut, "data-source")));
        Assert.Equal("emotion_happy", Attr(cut, "data-playlist"));
        Assert.Matches(@"^You have looked happy for the last \d seconds, so here is something [a-z ]+ at 1\d\d BPM\.$",
            cut.Find("[data-testid=reason-summary]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=queue-pending]"));
        cut.WaitForAssertion(() => Assert.Equal(State.Current!.Url, _player.Invocations["load"][^1].Arguments[1]));
    }

    [Fact]
    public void Play_loads_and_starts_the_track_and_the_element_reports_playing()
    {
        var cut = Render();

        cut.Find("[data-testid=play-pause]").Click();
        cut.InvokeAsync(() => cut.Instance.OnPlaying(State.Current!.Id));

        cut.WaitForAssertion(() => Assert.Equal("playing", Attr(cut, "data-state")));
        Assert.Equal("Pause", cut.Find("[data-testid=play-pause]").GetAttribute("aria-label"));
        Assert.Contains(_player.Invocations["load"].Concat(_player.Invocations["play"]), i => i.Identifier == "play" || Equals(i.Arguments[2], true));
        // A started track counts as played for the no-repeat window.
        Assert.Equal([State.Current!.Id], Feedback.RecentPlays(Session, 10));
    }

    [Fact]
    public void At_track_end_reactivity_a_mood_change_never_cuts_the_track_and_takes_over_at_its_end()
    {
        var cut = Render();
        cut.Find("[data-testid=reactivity-track-end]").Click();
        cut.Find("[data-testid=play-pause]").Click();
        var playing = State.Current!;
        cut.InvokeAsync(() => cut.Instance.OnPlaying(playing.Id));

        SeeHeld("happy", 5);

        // The current track stays; the queue already follows the new context and says so.
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=queue-pending]")));
        Assert.Equal(playing.Id, Attr(cut, "data-track-id"));
        Assert.All(cut.FindAll("[data-testid=queue-item]"), q => Assert.Equal("emotion_happy", q.GetAttribute("data-playlist")));
        Assert.Single(_player.Invocations["load"]);

        // The track ends: that is a complete, and the next track comes from the new context, playing at once.
        cut.InvokeAsync(() => cut.Instance.OnEnded(playing.Id));

        cut.WaitForAssertion(() => Assert.Equal("emotion_happy", Attr(cut, "data-playlist")));
        Assert.Equal("emotion", Attr(cut, "data-source"));
        Assert.Equal(0.5, Feedback.GetCounts(Session, "default:neutral", playing.Id).Likes);
        var load = _player.Invocations["load"][^1];
        Assert.Equal(State.Current!.Id, load.Arguments[0]);
        Assert.Equal(true, load.Arguments[2]);
    }

    [Fact]
    public void Like_and_skip_are_recorded_in_the_context_the_track_was_served_in()
    {
        var cut = Render();
        SeeHeld("sad", 4);
        cut.WaitForAssertion(() => Assert.Equal("emotion_sad", Attr(cut, "data-playlist")));
        var first = State.Current!;

        cut.Find("[data-testid=like]").Click();
        cut.Find("[data-testid=like]").Click(); // liking twice counts once
        cut.Find("[data-testid=skip]").Click();

        var counts = Feedback.GetCounts(Session, "emotion:sad", first.Id);
        Assert.Equal(1, counts.Likes);
        Assert.Equal(1, counts.Skips);
        Assert.NotEqual(first.Id, State.Current!.Id);
        Assert.Equal(State.Current.Id, _player.Invocations["load"][^1].Arguments[0]);
    }

    [Fact]
    public void Previous_goes_back_to_the_track_before_and_next_moves_on_without_feedback()
    {
        var cut = Render();
        var first = State.Current!;

        cut.Find("[data-testid=next]").Click();
        var second = State.Current!;
        cut.Find("[data-testid=previous]").Click();

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first.Id, Attr(cut, "data-track-id"));
        Assert.Equal(second.Id, cut.Find("[data-testid=queue-item]").GetAttribute("data-track-id"));
        Assert.Equal(default, Feedback.GetCounts(Session, "default:neutral", first.Id));
    }

    [Fact]
    public void A_mood_query_switches_to_context_mode_and_the_mode_buttons_switch_back()
    {
        var cut = Render();

        cut.Find("input[data-testid=mood-query], [data-testid=mood-query] input").Change("upbeat happy party");

        cut.WaitForAssertion(() => Assert.Equal("context", Attr(cut, "data-mode")));
        Assert.Equal("text", Attr(cut, "data-source"));
        Assert.Equal(RecommendationMode.Context, State.Mode);
        Assert.StartsWith("You asked for \u201cupbeat happy party\u201d, so here is something", cut.Find("[data-testid=reason-summary]").TextContent, StringComparison.Ordinal);
        // Typing a wish asks for music now: it plays without pressing play.
        Assert.Equal("playing", Attr(cut, "data-state"));
        Assert.Equal(true, _player.Invocations["load"][^1].Arguments[2]);
        Assert.Equal("true", cut.Find("[data-testid=mode-context]").GetAttribute("aria-pressed"));
        Assert.Equal("false", cut.Find("[data-testid=mode-baseline]").GetAttribute("aria-pressed"));

        cut.Find("[data-testid=mode-baseline]").Click();

        Assert.Equal("baseline", Attr(cut, "data-mode"));
        Assert.Equal("default", Attr(cut, "data-source"));
    }

    [Fact]
    public void Seek_and_volume_reach_the_audio_element_and_progress_moves_the_clock()
    {
        var cut = Render();
        var id = State.Current!.Id;

        cut.InvokeAsync(() => cut.Instance.OnProgress(id, 75, 200));
        cut.WaitForAssertion(() => Assert.Equal("1:15", cut.Find("[data-testid=position]").TextContent));
        cut.InvokeAsync(() => cut.Instance.OnProgress("another-track", 5, 10)); // stale report of a previous track

        Assert.Equal(75, State.Position);
        Assert.Equal(200, State.Duration);
        cut.Find("[data-testid=previous]").Click(); // past the first seconds, previous restarts the track
        Assert.Equal(0.0, Assert.Single(_player.Invocations["seek"]).Arguments[0]);
        Assert.Equal(id, State.Current!.Id);
    }

    [Fact]
    public void A_refused_autoplay_shows_why_and_leaves_the_player_paused()
    {
        _player.Setup<string?>("play").SetResult("The browser blocked autoplay: press play to start the music.");
        var cut = Render();

        cut.Find("[data-testid=play-pause]").Click();

        cut.WaitForAssertion(() => Assert.Contains("blocked autoplay", cut.Find("[data-testid=player-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("paused", Attr(cut, "data-state"));
    }

    [Fact]
    public async Task State_outlives_the_component_so_a_new_view_continues_the_same_track()
    {
        var cut = Render();
        cut.Find("[data-testid=next]").Click();
        var current = State.Current!.Id;

        await cut.Instance.DisposeAsync();
        var again = Render();

        Assert.Equal(current, Attr(again, "data-track-id"));
        Assert.Single(_player.Invocations["dispose"]);
    }

    [Fact]
    public void Within_seconds_a_held_mood_crossfades_the_playing_track_with_its_loudness_gain()
    {
        var cut = Render();
        Assert.Equal("seconds", cut.Find("[data-testid=reactivity]").GetAttribute("data-reactivity"));
        StartPlaying(cut);
        var playing = State.Current!;

        SeeHeld("sad", 1.6);
        // A short look changes neither the music nor "Up next".
        Assert.Equal(playing.Id, Attr(cut, "data-track-id"));
        Assert.All(cut.FindAll("[data-testid=queue-item]"), q => Assert.Equal("emotion_neutral", q.GetAttribute("data-playlist")));
        SeeHeld("sad", 3);

        cut.WaitForAssertion(() => Assert.Equal("emotion_sad", Attr(cut, "data-playlist")));
        var fade = Assert.Single(_player.Invocations["crossfade"]);
        Assert.Equal(State.Current!.Id, fade.Arguments[0]);
        Assert.Equal(State.Current.Url, fade.Arguments[1]);
        Assert.Equal(State.Current.GainDb, fade.Arguments[2]);
        Assert.Equal(2.0, fade.Arguments[3]);
        Assert.Single(_player.Invocations["load"]); // the first track only
        Assert.Equal("playing", Attr(cut, "data-state"));
        Assert.Empty(cut.FindAll("[data-testid=queue-pending]"));
        Assert.StartsWith("You have looked sad for the last", cut.Find("[data-testid=reason-summary]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Music_for_an_activity_plays_it_shows_it_and_the_face_takes_over_only_once_it_is_closed()
    {
        var cut = Render();
        // This library has no activity playlists: the context mode finds walking music by its sound.
        cut.Find("[data-testid=mode-context]").Click();
        SeeHeld("happy", 4);
        Assert.Equal("emotion", Attr(cut, "data-source"));

        cut.InvokeAsync(() => State.PlayActivity("walking"));

        cut.WaitForAssertion(() => Assert.Equal("activity", Attr(cut, "data-source")));
        Assert.Equal("walking", cut.Find("[data-testid=requested-activity]").GetAttribute("data-activity"));
        Assert.Contains("Music for walking", cut.Find("[data-testid=requested-activity]").TextContent, StringComparison.Ordinal);
        Assert.StartsWith("You asked for music for walking", cut.Find("[data-testid=reason-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal("playing", Attr(cut, "data-state"));
        SeeHeld("happy", 6);
        Assert.Equal("activity", Attr(cut, "data-source"));

        cut.Find("[data-testid=requested-activity] button").Click();

        Assert.Null(State.RequestedActivity);
        Assert.Empty(cut.FindAll("[data-testid=requested-activity]"));
        Assert.Equal(RecommendationSource.Emotion, State.Plan!.Source);
    }

    [Fact]
    public void No_explanation_on_the_tab_reads_like_debug_output()
    {
        var cut = Render();
        SeeHeld("surprise", 4);
        _ = cut.Find("[data-testid=why-this-track]");
        Time.Advance(TimeSpan.FromSeconds(800)); // the emotion is long stale
        cut.Find("[data-testid=next]").Click();

        var text = cut.Find("[data-testid=music-player]").TextContent;

        Assert.DoesNotMatch(@"\d\.\d{2}", text);
        Assert.DoesNotContain("_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stale", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ignored", text, StringComparison.Ordinal);
    }
}
