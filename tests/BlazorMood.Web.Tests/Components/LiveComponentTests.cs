using Bunit;
using BlazorMood.Web.Components.Pages.Home.Live;
using BlazorMood.Web.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using BlazorMood.Live;

namespace BlazorMood.Web.Tests.Components;

public sealed class EmotionBarsTests : MudComponentTest
{
    [Fact]
    public void Shows_seven_bars_in_model_order_and_highlights_the_most_probable()
    {
        var cut = Context.Render<EmotionBars>(p => p.Add(x => x.Probabilities, [0.05f, 0f, 0.05f, 0.7f, 0.1f, 0f, 0.1f]));

        var bars = cut.FindAll("[data-testid=emotion-bar]");
        Assert.Equal(["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"], bars.Select(b => b.GetAttribute("data-label")));
        var top = Assert.Single(cut.FindAll(".emotion-bar--top"));
        Assert.Equal("happy", top.GetAttribute("data-label"));
        Assert.Equal("70%", cut.FindAll("[data-testid=emotion-bar-value]")[3].TextContent);
    }

    [Fact]
    public void Without_probabilities_every_bar_is_empty_and_none_is_highlighted()
    {
        var cut = Context.Render<EmotionBars>();

        Assert.All(cut.FindAll("[data-testid=emotion-bar-value]"), v => Assert.Equal("0%", v.TextContent));
        Assert.Empty(cut.FindAll(".emotion-bar--top"));
    }
}

public sealed class MoodPanelTests : MudComponentTest
{
    private static MoodReading Reading(string label, float confidence, int track = 1) =>
        new() { Label = label, Confidence = confidence, TrackId = track, Probabilities = [0, 0, 0, confidence, 0, 0, 1 - confidence] };

    [Fact]
    public void Without_a_face_it_says_it_is_waiting()
    {
        var cut = Context.Render<MoodPanel>(p => p.Add(x => x.WaitingText, "Looking for a face…"));

        Assert.Equal("Looking for a face…", cut.Find("[data-testid=dominant-emotion]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=group-mood]"));
    }

    [Fact]
    public void Shows_the_dominant_emotion_and_the_group_mood_only_for_several_faces()
    {
        var single = Context.Render<MoodPanel>(p => p
            .Add(x => x.Dominant, Reading("happy", 0.8f, 3))
            .Add(x => x.Group, Reading("happy", 0.8f, 0))
            .Add(x => x.FaceCount, 1));
        var dominant = single.Find("[data-testid=dominant-emotion]");
        Assert.Equal("happy", dominant.GetAttribute("data-label"));
        Assert.Equal("Happy", dominant.TextContent);
        Assert.Contains("80%", single.Markup, StringComparison.Ordinal);
        Assert.Empty(single.FindAll("[data-testid=group-mood]"));

        var group = Context.Render<MoodPanel>(p => p
            .Add(x => x.Dominant, Reading("happy", 0.8f))
            .Add(x => x.Group, Reading("neutral", 0.6f, 0))
            .Add(x => x.FaceCount, 4));
        var mood = group.Find("[data-testid=group-mood]");
        Assert.Equal("neutral", mood.GetAttribute("data-label"));
        Assert.Contains("4 faces", mood.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_headline_is_the_tallest_bar_and_while_the_music_waits_on_the_held_label_the_page_says_so()
    {
        // Happy leads the smoothed probabilities at 36 % while the tracker still holds neutral for the music.
        var holding = new MoodReading { Label = "happy", Confidence = 0.36f, HeldLabel = "neutral", TrackId = 1, Probabilities = [0.1f, 0.02f, 0.1f, 0.36f, 0.1f, 0.1f, 0.22f] };
        var cut = Context.Render<MoodPanel>(p => p.Add(x => x.Dominant, holding).Add(x => x.FaceCount, 1));

        var headline = cut.Find("[data-testid=dominant-emotion]");
        Assert.Equal("happy", headline.GetAttribute("data-label"));
        Assert.Equal("Happy", headline.TextContent);
        Assert.Contains("36%", cut.Markup, StringComparison.Ordinal);
        // One highlighted bar, the headline's: the page never names two emotions as the answer.
        var highlighted = Assert.Single(cut.FindAll(".emotion-bar--top"));
        Assert.Equal("happy", highlighted.GetAttribute("data-label"));
        var music = cut.Find("[data-testid=music-follows]");
        Assert.Equal("neutral", music.GetAttribute("data-label"));
        Assert.Contains("The music stays with", music.TextContent, StringComparison.Ordinal);
        Assert.Contains("Neutral until", music.TextContent, StringComparison.Ordinal);
        Assert.Contains("Happy has led for a moment", music.TextContent, StringComparison.Ordinal);

        // Once the music has moved to the headline's emotion, the line is gone.
        cut.Render(p => p.Add(x => x.Dominant, new MoodReading { Label = "happy", Confidence = 0.6f, HeldLabel = "happy", TrackId = 1, Probabilities = [0.05f, 0.05f, 0.05f, 0.6f, 0.1f, 0.05f, 0.1f] }));
        Assert.Empty(cut.FindAll("[data-testid=music-follows]"));
    }
}

public sealed class LiveEmotionTests : MudComponentTest
{
    private const string Session = "session-1";
    private readonly BunitJSModuleInterop _client;

    public LiveEmotionTests()
    {
        var module = Context.JSInterop.SetupModule(LiveEmotion.ModulePath);
        _client = module.SetupModule("create", _ => true);
        _client.Setup<string>("start").SetResult(Session);
        _client.SetupVoid("stop").SetVoidResult();
        _client.SetupVoid("setCues", _ => true).SetVoidResult();
        _client.SetupVoid("dispose").SetVoidResult();
        // The hub names the stream after the signed-in account.
        SignIn(Session);
    }

    private LiveMoodNotifier Notifier => Context.Services.GetRequiredService<LiveMoodNotifier>();

    private static FrameResult Frame(string label, float confidence = 0.9f) => new()
    {
        Status = FrameStatus.Ok,
        ImageWidth = 320,
        ImageHeight = 240,
        Faces = [new LiveFace { TrackId = 1, X = 10, Y = 10, Width = 50, Height = 50, Label = label, Confidence = confidence }],
        Dominant = new MoodReading { Label = label, Confidence = confidence, TrackId = 1, Probabilities = new float[7] },
        Group = new MoodReading { Label = label, Confidence = confidence, Probabilities = new float[7] },
    };

    [Fact]
    public void Starts_the_camera_on_load_and_follows_the_session_of_its_hub_connection()
    {
        var cut = Context.Render<LiveEmotion>();

        cut.WaitForAssertion(() => Assert.Equal(Session, cut.Instance.Session));
        Assert.Single(_client.Invocations["start"]);
        Assert.Equal(1, Notifier.SubscriberCount(Session));
        Assert.Contains("never stored", cut.Find("[data-testid=privacy-note]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_the_browser_names_that_is_not_the_signed_in_accounts_is_never_followed()
    {
        var cut = Context.Render<LiveEmotion>();
        cut.WaitForAssertion(() => Assert.Equal(Session, cut.Instance.Session));

        await cut.InvokeAsync(() => cut.Instance.OnSession("someone-else"));

        Assert.Equal(Session, cut.Instance.Session);
        Assert.Equal(0, Notifier.SubscriberCount("someone-else"));
        Assert.Equal(1, Notifier.SubscriberCount(Session));
    }

    [Fact]
    public void Shows_the_published_dominant_emotion_and_recent_changes()
    {
        var cut = Context.Render<LiveEmotion>();
        cut.WaitForAssertion(() => Assert.Equal(Session, cut.Instance.Session));

        Notifier.Publish(new LiveUpdate(Session, Frame("surprise"),
            new DominantEmotionChanged(Session, "surprise", 0.9f, 1, DateTimeOffset.UtcNow)));

        cut.WaitForAssertion(() => Assert.Equal("surprise", cut.Find("[data-testid=dominant-emotion]").GetAttribute("data-label")));
        Assert.Contains("Surprise", cut.Find("[data-testid=recent-changes]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignores_other_sessions()
    {
        var cut = Context.Render<LiveEmotion>();
        cut.WaitForAssertion(() => Assert.Equal(Session, cut.Instance.Session));

        Notifier.Publish(new LiveUpdate("someone-else", Frame("angry"), null));

        Assert.Equal("", cut.Find("[data-testid=dominant-emotion]").GetAttribute("data-label"));
    }

    [Fact]
    public void The_camera_switch_stops_the_camera_and_the_cue_switch_reaches_the_browser()
    {
        var cut = Context.Render<LiveEmotion>();
        cut.WaitForAssertion(() => Assert.Equal(Session, cut.Instance.Session));

        cut.Find("input[data-testid=camera-switch], [data-testid=camera-switch] input").Change(false);
        cut.Find("input[data-testid=cues-switch], [data-testid=cues-switch] input").Change(true);

        Assert.Single(_client.Invocations["stop"]);
        var cues = Assert.Single(_client.Invocations["setCues"]);
        Assert.Equal(true, cues.Arguments[0]);
        Assert.Contains("Camera is off", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_camera_says_how_to_allow_it_without_the_browser_stack_and_turns_the_switch_off()
    {
        _client.Setup<string>("start").SetException(
            new JSException("camera-problem:denied\nError: camera-problem:denied\n    at Ce.startCamera (http://x/js/live-emotion.js:1:87207)"));

        var cut = Context.Render<LiveEmotion>();

        cut.WaitForAssertion(() => Assert.Contains("Allow the camera for this site", cut.Find("[data-testid=live-error]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("live-emotion.js", cut.Find("[data-testid=live-error]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Camera off", cut.Markup, StringComparison.Ordinal);
        Assert.Null(cut.Instance.Session);
    }

    [Fact]
    public async Task Disposing_unsubscribes_and_releases_the_browser_side()
    {
        var cut = Context.Render<LiveEmotion>();
        cut.WaitForAssertion(() => Assert.Equal(Session, cut.Instance.Session));

        await cut.Instance.DisposeAsync();

        Assert.Equal(0, Notifier.SubscriberCount(Session));
        Assert.Single(_client.Invocations["dispose"]);
    }
}
