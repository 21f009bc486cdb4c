using BlazorMood.Music.Library;
using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;

namespace BlazorMood.Music.Tests;

public sealed class BaselineRecommenderTests
{
    private static StaticMusicLibrary Library() => FixedLibrary.Of(
        ("emotion_happy", "h1", 120), ("emotion_happy", "h2", 125), ("emotion_happy", "h3", 128),
        ("emotion_neutral", "n1", 100), ("emotion_neutral", "n2", 96),
        ("activity_running", "r1", 160));

    [Fact]
    public void Follows_the_rule_through_time()
    {
        var h = new RecommenderHarness(Library());
        var t0 = h.Time.Now;
        h.Context.Report("me", new EmotionObservation("happy", 0.8, t0));
        h.Context.Report("me", new ActivityObservation("running", 0.9, 160, t0));

        var r = h.Recommender.Recommend(new() { UserId = "me" });
        Assert.Equal(RecommendationSource.Emotion, r.Source);
        Assert.Equal(["h1", "h2", "h3"], r.Tracks.Select(t => t.Title));
        Assert.All(r.Tracks, t => Assert.Equal("/api/tracks/" + t.Id, t.Url));
        Assert.Equal("emotion:happy", r.Context.ContextKey);

        h.Time.Now = t0.AddSeconds(5);
        Assert.Equal(RecommendationSource.Emotion, h.Recommender.Recommend(new() { UserId = "me" }).Source);

        h.Time.Now = t0.AddSeconds(5).AddTicks(1);
        r = h.Recommender.Recommend(new() { UserId = "me" });
        Assert.Equal(RecommendationSource.Activity, r.Source);
        Assert.Equal(["r1"], r.Tracks.Select(t => t.Title));

        var other = h.Recommender.Recommend(new() { UserId = "someone-else" });
        Assert.Equal(RecommendationSource.Default, other.Source);
        Assert.Equal(["n1", "n2"], other.Tracks.Select(t => t.Title));
    }

    [Fact]
    public void Overrides_act_as_observations_now()
    {
        var h = new RecommenderHarness(Library());
        var r = h.Recommender.Recommend(new() { UserId = "me", Activity = "running" });
        Assert.Equal(RecommendationSource.Activity, r.Source);
        r = h.Recommender.Recommend(new() { UserId = "me", Activity = "running", Emotion = "happy" });
        Assert.Equal(RecommendationSource.Emotion, r.Source);
    }

    [Fact]
    public void Recently_played_tracks_move_to_the_back()
    {
        var h = new RecommenderHarness(Library());
        h.Recommender.Played("me", h.Recommender.Recommend(new() { UserId = "me", Emotion = "happy" }).Tracks[0].Id);
        var r = h.Recommender.Recommend(new() { UserId = "me", Emotion = "happy" });
        Assert.Equal(["h2", "h3", "h1"], r.Tracks.Select(t => t.Title));
    }

    [Fact]
    public void Empty_emotion_playlist_falls_through_to_activity()
    {
        var h = new RecommenderHarness(Library());
        var r = h.Recommender.Recommend(new() { UserId = "me", Emotion = "sad", Activity = "running" });
        Assert.Equal(RecommendationSource.Activity, r.Source);
    }
}
