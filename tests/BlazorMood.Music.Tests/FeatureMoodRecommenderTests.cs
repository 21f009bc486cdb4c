using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using Xunit.Abstractions;

namespace BlazorMood.Music.Tests;

/// <summary>Moods from measured features: a library without curated folders still answers every emotion and activity.</summary>
public sealed class FeatureMoodRecommenderTests
{
    private readonly ITestOutputHelper _output;

    public FeatureMoodRecommenderTests(ITestOutputHelper output) => _output = output;

    private static Track T(string playlist, string title, double bpm, double valence, double arousal, double? lufs = null)
    {
        var rel = $"{playlist}/{title}.ogg";
        return new Track(PlaylistLoader.MakeId(rel), playlist, title, "Someone", 120, rel, "/dev/null/" + rel,
            new TrackFeatures(bpm, null, null) { Valence = valence, Arousal = arousal, LoudnessLufs = lufs });
    }

    private static StaticMusicLibrary Library(params Track[] tracks) =>
        new(new LibrarySnapshot("/music", tracks.GroupBy(t => t.Playlist).Select(g => new Playlist(g.Key, g.ToList())).ToList(), [], DateTimeOffset.UnixEpoch));

    /// <summary>A soundtrack folder and an album folder: names that say nothing about mood.</summary>
    private static Track[] Uncurated() =>
    [
        T("soundtrack", "lament", 62, 0.15, 0.15, -24),
        T("soundtrack", "battle", 158, 0.25, 0.92, -11),
        T("soundtrack", "festival", 124, 0.88, 0.72, -14),
        T("album", "lullaby", 56, 0.55, 0.05, -28),
        T("album", "stroll", 108, 0.66, 0.52, -18),
        T("album", "sprint", 164, 0.65, 0.93, -12),
        T("album", "drift", 95, 0.55, 0.42, -20),
    ];

    private static RecommendationRequest Base(string? emotion = null, string? activity = null) =>
        new() { UserId = "u", Mode = RecommendationMode.Baseline, Emotion = emotion, Activity = activity };

    [Theory]
    [InlineData("sad", null, "lament")]
    [InlineData("angry", null, "battle")]
    [InlineData("happy", null, "festival")]
    [InlineData(null, "sleeping", "lullaby")]
    [InlineData(null, "running", "sprint")]
    [InlineData(null, "walking", "stroll")]
    public void Baseline_without_curated_folders_plays_the_tracks_in_the_moods_region(string? emotion, string? activity, string expectedFirst)
    {
        var h = new RecommenderHarness(Library(Uncurated()));

        var r = h.Recommender.Recommend(Base(emotion, activity));

        _output.WriteLine($"{emotion ?? activity}: {string.Join(", ", r.Tracks.Select(t => $"{t.Title}:{t.Score:0.00}"))} — {r.Reason.Summary}");
        Assert.Equal(expectedFirst, r.Tracks[0].Title);
        Assert.Contains(new ReasonPart("rule", "feature-region"), r.Reason.Parts);
        Assert.Equal(emotion is null ? RecommendationSource.Activity : RecommendationSource.Emotion, r.Source);
        Assert.Contains("No playlist is curated", r.Reason.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Baseline_with_nothing_known_plays_the_neutral_region()
    {
        var h = new RecommenderHarness(Library(Uncurated()));

        var r = h.Recommender.Recommend(Base());

        Assert.Equal("drift", r.Tracks[0].Title);
        Assert.Equal(RecommendationSource.Default, r.Source);
    }

    [Fact]
    public void A_curated_playlist_keeps_priority_over_feature_regions()
    {
        // The curated sad folder holds a track whose measured mood is not sad at all: the curation still wins.
        var h = new RecommenderHarness(Library([.. Uncurated(), T("emotion_sad", "curated-sad", 120, 0.8, 0.8)]));

        var sad = h.Recommender.Recommend(Base("sad"));
        var angry = h.Recommender.Recommend(Base("angry"));

        Assert.Equal(["curated-sad"], sad.Tracks.Select(t => t.Title));
        Assert.Contains(new ReasonPart("rule", "emotion-within-window"), sad.Reason.Parts);
        // Another emotion, with no curated folder, still gets its region.
        Assert.Equal("battle", angry.Tracks[0].Title);
    }

    [Fact]
    public void Context_mode_ranks_uncurated_tracks_by_their_measured_mood()
    {
        var h = new RecommenderHarness(Library(Uncurated()), o => o.Recommender.FeedbackWeight = 0);

        var sad = h.Recommender.Recommend(new RecommendationRequest { UserId = "u", Mode = RecommendationMode.Context, Emotion = "sad" });
        var happy = h.Recommender.Recommend(new RecommendationRequest { UserId = "v", Mode = RecommendationMode.Context, Emotion = "happy" });

        _output.WriteLine($"sad: {string.Join(", ", sad.Tracks.Select(t => t.Title))}; happy: {string.Join(", ", happy.Tracks.Select(t => t.Title))}");
        Assert.Equal("lament", sad.Tracks[0].Title);
        Assert.Equal("festival", happy.Tracks[0].Title);
    }

    [Fact]
    public void In_a_curated_mood_folder_the_measured_mood_counts_half()
    {
        var measured = new TrackFeatures(120, null, null) { Valence = 0.9, Arousal = 0.9 };

        var inCurated = MoodSpace.ForTrack("emotion_sad", measured);
        var elsewhere = MoodSpace.ForTrack("my-album", measured);
        var unmeasured = MoodSpace.ForTrack("emotion_sad", new TrackFeatures(120, null, null));

        Assert.Equal(new Mood(0.9, 0.9), elsewhere);
        Assert.Equal((0.2 + 0.9) / 2, inCurated.Valence, 6);
        Assert.Equal((0.25 + 0.9) / 2, inCurated.Arousal, 6);
        Assert.Equal(0.2, unmeasured.Valence, 6);
    }

    [Fact]
    public void A_pin_overrides_feature_regions()
    {
        var h = new RecommenderHarness(Library(Uncurated()));
        var recommender = new Recommender(Library(Uncurated()), h.Context, h.Feedback,
            new FixedCurationState(new CurationSnapshot(1, [], [], "album")),
            Microsoft.Extensions.Options.Options.Create(new MusicOptions()), h.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<Recommender>.Instance);

        var r = recommender.Recommend(Base("angry"));

        Assert.Equal(RecommendationSource.Pinned, r.Source);
        Assert.All(r.Tracks, t => Assert.Equal("album", t.Playlist));
    }

    [Fact]
    public void Recommended_tracks_carry_the_loudness_normalising_gain()
    {
        var h = new RecommenderHarness(Library(Uncurated()), o => o.TargetLoudnessLufs = -16);

        var r = h.Recommender.Recommend(Base("sad"));

        var lament = r.Tracks.Single(t => t.Title == "lament");
        Assert.Equal(8, lament.GainDb);
        Assert.Equal(-5, r.Tracks.Single(t => t.Title == "battle").GainDb);
    }
}
