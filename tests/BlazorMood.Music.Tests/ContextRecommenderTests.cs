using BlazorMood.Music.Context;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Xunit.Abstractions;

namespace BlazorMood.Music.Tests;

public sealed class ContextRecommenderTests
{
    private readonly ITestOutputHelper _output;

    public ContextRecommenderTests(ITestOutputHelper output) => _output = output;

    private static RecommendationRequest Ctx(string user = "me") => new() { UserId = user, Mode = RecommendationMode.Context };

    private static StaticMusicLibrary Mixed() => FixedLibrary.Of(
        ("activity_walking", "w100", 100), ("activity_walking", "w120", 120),
        ("activity_running", "r160", 160), ("activity_running", "r170", 170),
        ("activity_cycling", "c80", 80),
        ("emotion_happy", "h124", 124), ("emotion_happy", "h128", 128),
        ("emotion_sad", "s64", 64), ("activity_sleeping", "z55", 55),
        ("activity_sitting", "t75", 75), ("emotion_neutral", "n96", 96),
        ("emotion_angry", "a150", 150), ("activity_exercising", "e132", 132));

    [Fact]
    public void Cadence_160_prefers_tracks_near_160_or_80_bpm()
    {
        var h = new RecommenderHarness(Mixed(), o => o.Recommender.FeedbackWeight = 0);
        var r = h.Recommender.Recommend(Ctx() with { CadenceSpm = 160 });

        _output.WriteLine(string.Join(", ", r.Tracks.Select(t => $"{t.Title}:{t.Score:0.000}")));
        // The library has exactly two tempo matches: 160 itself, then 80 (double time).
        Assert.Equal(["r160", "c80"], r.Tracks.Take(2).Select(t => t.Title));
        Assert.True(r.Tracks[1].Score > r.Tracks[2].Score + 0.2, "both matches clearly ahead of the rest");
        Assert.Contains(new ReasonPart("targetBpm", "160"), r.Reason.Parts);
        Assert.Contains(r.Tracks, t => t.Title == "c80" && t.Why.Contains("double time", StringComparison.Ordinal));
        Assert.Contains("160 BPM", r.Reason.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Tempo_fit_allows_half_and_double_time()
    {
        Assert.Equal(1, Recommender.TempoFit(0), 6);
        Assert.Equal(0.85, Recommender.TempoFit(Math.Log(0.5)), 6);
        Assert.Equal(0.85, Recommender.TempoFit(Math.Log(2)), 6);
        Assert.True(Recommender.TempoFit(Math.Log(120.0 / 160)) < 0.01);
    }

    [Fact]
    public void Calm_focus_text_prefers_low_arousal()
    {
        var h = new RecommenderHarness(Mixed(), o => o.Recommender.FeedbackWeight = 0);
        var calm = h.Recommender.Recommend(Ctx() with { Text = "calm focus music" });
        var upbeat = h.Recommender.Recommend(Ctx() with { Text = "upbeat workout" });

        Assert.Equal(RecommendationSource.Text, calm.Source);
        Assert.Contains(new ReasonPart("text", "calm focus"), calm.Reason.Parts);
        var calmTop = calm.Tracks.Take(3).Select(t => t.Bpm!.Value).Average();
        var upTop = upbeat.Tracks.Take(3).Select(t => t.Bpm!.Value).Average();
        _output.WriteLine($"calm: {string.Join(", ", calm.Tracks.Take(3).Select(t => t.Title))}; upbeat: {string.Join(", ", upbeat.Tracks.Take(3).Select(t => t.Title))}");
        // "Calm focus" is low arousal but awake: sitting music first, not sleep music.
        Assert.Equal("t75", calm.Tracks[0].Title);
        Assert.True(calmTop < 100, $"calm top-3 mean {calmTop}");
        Assert.True(upTop > 120, $"upbeat top-3 mean {upTop}");
        Assert.Contains("calm", calm.Reason.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Lexicon_handles_negation_and_unknown_words()
    {
        var m = TextMoodLexicon.Parse("not sad, something UPBEAT!");
        Assert.Equal(["not sad", "upbeat"], m.Terms);
        Assert.True(m.Valence > 0.7);
        Assert.Equal(125, m.Bpm);
        Assert.True(TextMoodLexicon.Parse("xyzzy plugh").IsEmpty);
    }

    [Fact]
    public void Fresh_emotion_drives_context_mode_and_stale_does_not()
    {
        var h = new RecommenderHarness(Mixed(), o => o.Recommender.FeedbackWeight = 0);
        h.Context.Report("me", new EmotionObservation("sad", 0.9, h.Time.Now));
        var r = h.Recommender.Recommend(Ctx());
        Assert.Equal(RecommendationSource.Emotion, r.Source);
        Assert.Equal("s64", r.Tracks[0].Title);
        Assert.Equal("emotion:sad", r.Context.ContextKey);

        h.Time.Now = h.Time.Now.AddSeconds(6);
        r = h.Recommender.Recommend(Ctx());
        Assert.Equal(RecommendationSource.Time, r.Source);
        Assert.Contains(r.Reason.Parts, p => p.Key == "emotionIgnored");
    }

    [Fact]
    public void Daypart_alone_is_a_time_source()
    {
        var night = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
        var h = new RecommenderHarness(Mixed(), o => o.Recommender.FeedbackWeight = 0, night);
        var r = h.Recommender.Recommend(Ctx());
        Assert.Equal(RecommendationSource.Time, r.Source);
        Assert.Equal("night", r.Context.Daypart);
        Assert.Contains(new ReasonPart("daypart", "night"), r.Reason.Parts);
        // At night with nothing else known, the calmest tracks come first.
        Assert.True(r.Tracks[0].Bpm < 80, r.Tracks[0].Title);
    }

    [Fact]
    public void Activity_with_measured_cadence_goes_to_running_tracks()
    {
        var h = new RecommenderHarness(Mixed(), o => o.Recommender.FeedbackWeight = 0);
        h.Context.Report("me", new ActivityObservation("running", 0.9, 168, h.Time.Now));
        var r = h.Recommender.Recommend(Ctx());
        Assert.Equal(RecommendationSource.Activity, r.Source);
        Assert.Equal("r170", r.Tracks[0].Title);
        Assert.Equal(168, r.Context.CadenceSpm);
    }

    [Fact]
    public void Variety_no_repeat_within_the_last_n()
    {
        var h = new RecommenderHarness(Mixed(), o => o.Recommender.NoRepeatWithin = 3);
        var played = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var r = h.Recommender.Recommend(Ctx() with { Emotion = "happy" });
            var id = r.Tracks[0].Id;
            Assert.DoesNotContain(id, played.TakeLast(3));
            h.Recommender.Played("me", id);
            played.Add(id);
        }
    }

    [Fact]
    public void Bandit_learns_a_simulated_listeners_taste()
    {
        // 40 tracks that fit the context equally: the listener likes the "A" half and skips the "B" half.
        var tracks = Enumerable.Range(0, 40).Select(i => ("emotion_happy", (i % 2 == 0 ? "A" : "B") + i, (double?)124)).ToArray();
        var h = new RecommenderHarness(FixedLibrary.Of(tracks), o => o.Recommender.NoRepeatWithin = 5);
        var liked = new List<bool>();
        for (var round = 0; round < 300; round++)
        {
            var top = h.Recommender.Recommend(Ctx() with { Emotion = "happy" }).Tracks[0];
            var likes = top.Title.StartsWith('A');
            liked.Add(likes);
            h.Recommender.Played("me", top.Id);
            h.Recommender.Feedback("me", top.Id, likes ? FeedbackKind.Like : FeedbackKind.Skip);
        }
        var first = liked.Take(40).Count(x => x) / 40.0;
        var last = liked.TakeLast(100).Count(x => x) / 100.0;
        _output.WriteLine($"liked share: first 40 rounds {first:P0}, last 100 rounds {last:P0}");
        Assert.True(last >= 0.9, $"last 100 rounds liked {last:P0}");
        Assert.True(last > first);

        // Learning is per user and per context: another user, or another context, starts fresh.
        var someoneElse = h.Feedback.GetCounts("other", "emotion:happy", h.Recommender.Recommend(Ctx("other") with { Emotion = "happy" }).Tracks[0].Id);
        Assert.Equal(default, someoneElse);
    }

    [Fact]
    public void Every_track_has_a_reason_and_the_result_has_a_sentence()
    {
        var h = new RecommenderHarness(Mixed());
        var r = h.Recommender.Recommend(Ctx() with { Emotion = "happy", Activity = "walking", CadenceSpm = 110, Text = "cheerful" });
        Assert.False(string.IsNullOrWhiteSpace(r.Reason.Summary));
        Assert.All(r.Tracks, t => Assert.False(string.IsNullOrWhiteSpace(t.Why)));
        Assert.Contains(r.Reason.Parts, p => p.Key == "contextKey");
        Assert.Equal(RecommendationSource.Text, r.Source);
    }

    [Fact]
    public void Empty_library_gives_an_empty_list_not_an_error()
    {
        var h = new RecommenderHarness(new StaticMusicLibrary(LibrarySnapshot.Empty("/x", DateTimeOffset.UnixEpoch)));
        Assert.Empty(h.Recommender.Recommend(Ctx()).Tracks);
        Assert.Empty(h.Recommender.Recommend(new() { UserId = "me" }).Tracks);
    }
}
