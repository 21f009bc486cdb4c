using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;

namespace BlazorMood.Music.Tests;

public sealed class BaselineRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private static BaselineDecision Decide(ListeningContext c, Func<string, bool>? exists = null) =>
        BaselineRule.Decide(c, Now, Window, exists ?? (_ => true));

    [Fact]
    public void Fresh_emotion_selects_its_playlist_even_with_an_activity()
    {
        var d = Decide(new(new("happy", 0.9, Now.AddSeconds(-1)), new("running", 1, 160, Now)));
        Assert.Equal("emotion_happy", d.Playlist);
        Assert.Equal(RecommendationSource.Emotion, d.Source);
        Assert.Contains(new ReasonPart("rule", "emotion-within-window"), d.Reason.Parts);
        Assert.Contains("happy", d.Reason.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(4999, true)]
    [InlineData(5000, true)] // inclusive boundary
    [InlineData(5001, false)]
    [InlineData(60000, false)]
    [InlineData(-3000, true)] // a future timestamp (clock skew) counts as just seen
    public void Five_second_window_is_inclusive(int ageMs, bool emotionWins)
    {
        var d = Decide(new(new("sad", 0.6, Now.AddMilliseconds(-ageMs)), new("walking", 1, null, Now.AddMinutes(-10))));
        Assert.Equal(emotionWins ? "emotion_sad" : "activity_walking", d.Playlist);
        Assert.Equal(emotionWins ? RecommendationSource.Emotion : RecommendationSource.Activity, d.Source);
    }

    [Fact]
    public void Stale_emotion_without_activity_falls_to_neutral()
    {
        var d = Decide(new(new("angry", 1, Now.AddSeconds(-6)), null));
        Assert.Equal("emotion_neutral", d.Playlist);
        Assert.Equal(RecommendationSource.Default, d.Source);
        Assert.Contains(d.Reason.Parts, p => p.Key == "emotionIgnored" && p.Value.StartsWith("stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Activity_has_no_age_limit()
    {
        var d = Decide(new(null, new("Sleeping ", 0.7, null, Now.AddDays(-2))));
        Assert.Equal("activity_sleeping", d.Playlist);
        Assert.Equal(RecommendationSource.Activity, d.Source);
    }

    [Fact]
    public void Nothing_known_is_neutral()
    {
        var d = Decide(ListeningContext.Empty);
        Assert.Equal("emotion_neutral", d.Playlist);
        Assert.Equal(RecommendationSource.Default, d.Source);
        Assert.False(string.IsNullOrWhiteSpace(d.Reason.Summary));
        Assert.True(char.IsUpper(d.Reason.Summary[0]));
    }

    [Fact]
    public void Labels_without_a_playlist_fall_through()
    {
        var d = Decide(new(new("confused", 1, Now), new("dancing", 1, null, Now)), name => name != "activity_dancing");
        Assert.Equal("emotion_neutral", d.Playlist);
        Assert.Contains(d.Reason.Parts, p => p.Key == "emotionIgnored");
        Assert.Contains(d.Reason.Parts, p => p.Key == "activityIgnored");
    }

    [Fact]
    public void Neutral_emotion_is_an_emotion_source()
    {
        var d = Decide(new(new("neutral", 1, Now), null));
        Assert.Equal("emotion_neutral", d.Playlist);
        Assert.Equal(RecommendationSource.Emotion, d.Source);
    }
}
