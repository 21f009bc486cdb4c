using BlazorMood.Events;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.Music;
using BlazorMood.Music.Context;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Live;
using BlazorMood.Web.Tests.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using BlazorMood.Live;
using BlazorMood.Playback;

namespace BlazorMood.Web.Tests.Recommendations;

/// <summary>Live emotion → recommender context, with updates raised by the test.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class LiveContextBridgeTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly LiveMoodNotifier _notifier = new(new EventBus(NullLogger<EventBus>.Instance));
    private readonly InMemoryContextStore _store;
    private readonly LiveContextBridge _bridge;
    private readonly BlazorMood.Playback.Kiosk.KioskStreams _kiosks = new();

    public LiveContextBridgeTests()
    {
        _store = new InMemoryContextStore(Options.Create(new MusicOptions()), _time);
        var reporter = new RecommendationContextReporter(_store, NullLogger<RecommendationContextReporter>.Instance);
        _bridge = new LiveContextBridge(_notifier, reporter, _time, NullLogger<LiveContextBridge>.Instance, _kiosks);
        _bridge.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose() => _bridge.Dispose();

    private static FrameResult Frame(string? label, FrameStatus status = FrameStatus.Ok) => new()
    {
        Status = status,
        Faces = label is null ? [] : [new LiveFace { TrackId = 1, Label = label, Confidence = 0.8f }],
        Dominant = label is null ? null : new MoodReading { Label = label, Confidence = 0.8f, TrackId = 1 },
    };

    [Fact]
    public void The_faces_of_a_session_a_kiosk_follows_never_reach_its_music_directly()
    {
        // The kiosk's music comes from its room reading; a grimace must not pick the angry playlist behind its back.
        var followed = _kiosks.Follow("wall");
        var second = _kiosks.Follow("wall"); // two screens of one device account
        _notifier.Publish(new LiveUpdate("wall", Frame("angry"), null));
        Assert.Null(_store.Get("wall").LastEmotion);

        followed.Dispose();
        _notifier.Publish(new LiveUpdate("wall", Frame("angry"), null));
        Assert.Null(_store.Get("wall").LastEmotion); // the other screen still follows it

        second.Dispose();
        _notifier.Publish(new LiveUpdate("wall", Frame("happy"), null));
        Assert.Equal("happy", _store.Get("wall").LastEmotion?.Label); // a desk again
    }

    [Fact]
    public void Every_analysed_frame_with_a_face_is_an_emotion_seen_now_for_that_session()
    {
        _notifier.Publish(new LiveUpdate("s1", Frame("happy"), null));
        _time.Advance(TimeSpan.FromSeconds(4));
        // Unchanged label, no change event: still a new sighting, so the 5 s window restarts.
        _notifier.Publish(new LiveUpdate("s1", Frame("happy"), null));

        var seen = _store.Get("s1").LastEmotion;
        Assert.NotNull(seen);
        Assert.Equal("happy", seen.Label);
        Assert.Equal(0.8, seen.Confidence, 3);
        Assert.Equal(_time.GetUtcNow(), seen.At);
        Assert.Null(_store.Get("s2").LastEmotion);
    }

    [Fact]
    public void While_the_held_label_has_not_moved_the_music_is_told_the_held_label_not_the_headline()
    {
        // The headline already shows happy (the top of the smoothed bars); the tracker still holds neutral for the
        // music until happy has led for its hysteresis frames.
        var frame = new FrameResult
        {
            Status = FrameStatus.Ok,
            Faces = [new LiveFace { TrackId = 1, Label = "happy", HeldLabel = "neutral", Confidence = 0.36f }],
            Dominant = new MoodReading { Label = "happy", Confidence = 0.36f, HeldLabel = "neutral", TrackId = 1, Probabilities = [0.1f, 0.02f, 0.1f, 0.36f, 0.1f, 0.1f, 0.22f] },
        };
        _notifier.Publish(new LiveUpdate("s1", frame, null));

        var seen = _store.Get("s1").LastEmotion;
        Assert.NotNull(seen);
        Assert.Equal("neutral", seen.Label);
        Assert.Equal(0.22, seen.Confidence, 3);
    }

    [Fact]
    public void Frames_without_a_face_and_rejected_frames_report_nothing()
    {
        _notifier.Publish(new LiveUpdate("s1", Frame(null), null));
        _notifier.Publish(new LiveUpdate("s1", Frame("happy", FrameStatus.Dropped), null));
        _notifier.Publish(new LiveUpdate("s1", Frame("bored"), null));

        Assert.Null(_store.Get("s1").LastEmotion);
    }

    [Fact]
    public async Task After_stopping_nothing_more_is_reported()
    {
        await _bridge.StopAsync(CancellationToken.None);

        _notifier.Publish(new LiveUpdate("s1", Frame("sad"), null));

        Assert.Null(_store.Get("s1").LastEmotion);
    }

    [Fact]
    public void Activities_have_their_own_reporting_method_for_the_video_feature()
    {
        var reporter = new RecommendationContextReporter(_store, NullLogger<RecommendationContextReporter>.Instance);

        Assert.True(reporter.ReportActivity("s1", " Running ", 0.7, 162, _time.GetUtcNow()));
        Assert.False(reporter.ReportActivity("s1", "", 0.7, null, _time.GetUtcNow()));
        Assert.False(reporter.ReportEmotion("", "happy", 0.7, _time.GetUtcNow()));

        var activity = _store.Get("s1").LastActivity;
        Assert.Equal(new ActivityObservation("running", 0.7, 162, _time.GetUtcNow()), activity);
    }
}

/// <summary>The whole way: a webcam frame through the real hub steers the same account's <c>GET /api/recommend</c>.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class LiveEmotionDrivesRecommendationsTests(LiveServerFixture server) : IClassFixture<LiveServerFixture>
{
    [Fact]
    public async Task A_smiling_frame_on_the_hub_makes_the_accounts_recommendation_happy()
    {
        var account = await server.CreateAccountAsync(name: "bridge");
        using var http = server.CreateUserClient(account);
        var before = await http.GetFromJsonAsync<JsonElement>("api/recommend");

        await using var hub = await HubClient.ConnectAsync(server, account);
        var result = await hub.SendAsync(1, TestFrames.Astronaut);
        Assert.Equal("happy", result.Dominant?.Label);
        // The notifier calls the bridge without blocking the hub's reply; give it a moment.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        JsonElement after;
        do
        {
            after = await http.GetFromJsonAsync<JsonElement>("api/recommend");
        }
        while (after.GetProperty("source").GetString() != "emotion" && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal("default", before.GetProperty("source").GetString());
        Assert.Equal("emotion", after.GetProperty("source").GetString());
        Assert.Equal("emotion_happy", after.GetProperty("context").GetProperty("playlist").GetString());
        Assert.All(after.GetProperty("tracks").EnumerateArray(), t => Assert.Equal("emotion_happy", t.GetProperty("playlist").GetString()));
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(50);
        return true;
    }
}

/// <summary>How the per-circuit player follows context reports: throttled, with a trailing re-plan.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class PlayerStateTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public PlayerStateTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IMusicLibrary>(StaticMusicLibrary.Of(PlaylistNames.Emotions.Select(e => (PlaylistNames.ForEmotion(e), e, (double?)100))));
        services.AddMusic(o => o.Recommender.RandomSeed = 1);
        // No hold: these tests are about throttling alone (the hold has its own tests in BlazorMood.Playback.Tests).
        services.AddOptions<PlayerOptions>().Configure(o => o.MoodHold = TimeSpan.Zero);
        services.AddScoped<PlayerState>();
        _services = services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private void See(string user, string label) =>
        _services.GetRequiredService<IContextStore>().Report(user, new EmotionObservation(label, 0.9, _time.GetUtcNow()));

    [Fact]
    public void Context_reports_are_throttled_and_the_last_one_still_wins()
    {
        using var scope = _services.CreateScope();
        var player = scope.ServiceProvider.GetRequiredService<PlayerState>();
        player.Attach("u1");
        var changes = 0;
        player.Changed += () => changes++;

        See("u1", "happy");
        See("u1", "angry");
        See("u1", "sad");
        See("u2", "fear"); // someone else's camera

        Assert.Equal("emotion_happy", player.Current!.Playlist);
        Assert.Equal(1, changes);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("emotion_sad", player.Current!.Playlist);
        Assert.Equal(2, changes);
    }

    [Fact]
    public void An_unchanged_context_does_not_reshuffle_the_plan()
    {
        using var scope = _services.CreateScope();
        var player = scope.ServiceProvider.GetRequiredService<PlayerState>();
        player.Attach("u1");
        See("u1", "happy");
        var plan = player.Plan;

        _time.Advance(TimeSpan.FromSeconds(2));
        See("u1", "happy");

        Assert.Same(plan, player.Plan);
    }

    [Fact]
    public void Disposed_players_stop_following_the_context()
    {
        var scope = _services.CreateScope();
        var player = scope.ServiceProvider.GetRequiredService<PlayerState>();
        player.Attach("u1");
        scope.Dispose();

        See("u1", "happy");

        Assert.Equal("emotion_neutral", player.Current!.Playlist);
    }
}
