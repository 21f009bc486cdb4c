using BlazorMood.Music.Recommendation;

namespace BlazorMood.Playback.Tests;

/// <summary>"Why this track" for people: every source reads as a sentence without slugs, keys or long decimals.</summary>
public sealed class PlainExplanationTests
{
    private static readonly RecommendedTrack Track = new("t1", "Slow one", "Generated", 30, 71.6, "/api/tracks/t1", "emotion_sad", 0.9, "Mood fit 91% (calm, dark, from emotion_sad).");

    private static Recommendation Plan(RecommendationSource source, string? emotion = null, string? activity = null, string? text = null,
        string? playlist = null, params ReasonPart[] parts) =>
        new(source, RecommendationMode.Baseline,
            new RecommendationContext(DateTimeOffset.UnixEpoch, emotion, emotion is null ? null : 0.9, emotion is null ? null : 792.849, activity, null,
                "evening", text, playlist, "key"),
            new RecommendationReason(parts, "machine summary"), [Track]);

    public static TheoryData<Recommendation, TimeSpan?, string?, string> Cases => new()
    {
        { Plan(RecommendationSource.Emotion, emotion: "sad"), TimeSpan.FromSeconds(8.4), null,
            "You have looked sad for the last 8 seconds, so here is something gentle at 72 BPM." },
        { Plan(RecommendationSource.Emotion, emotion: "fear"), TimeSpan.FromSeconds(0.4), null,
            "You look worried right now, so here is something intense at 72 BPM." },
        { Plan(RecommendationSource.Text, text: "upbeat workout", parts: [new("targetValence", "0.80"), new("targetArousal", "0.90")]), null, null,
            "You asked for \u201cupbeat workout\u201d, so here is something bright and upbeat at 72 BPM." },
        { Plan(RecommendationSource.Activity, activity: "standing"), null, "walking",
            "You asked for music for walking, so here is something " },
        { Plan(RecommendationSource.Activity, activity: "cycling"), null, null, "Your last video showed you cycling, so here is something " },
        { Plan(RecommendationSource.Pinned, playlist: "late_night_mix"), null, null, "An administrator chose the Late night mix playlist for now, so " },
        { Plan(RecommendationSource.Time, playlist: "emotion_neutral"), null, null, "Nothing shows your mood right now, so here is something " },
        { Plan(RecommendationSource.Default, playlist: "emotion_neutral"), null, null, "Nothing shows your mood yet, so here is something " },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_source_reads_as_a_plain_sentence(Recommendation plan, TimeSpan? held, string? asked, string expectedStart)
    {
        var text = PlainExplanation.Describe(plan, Track, held, asked);

        Assert.StartsWith(expectedStart, text, StringComparison.Ordinal);
        Assert.EndsWith(".", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_", text, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d\.\d", text);
        Assert.DoesNotContain("machine summary", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_time_of_day_is_named()
    {
        Assert.EndsWith("for the evening.", PlainExplanation.Describe(Plan(RecommendationSource.Time), Track), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("emotion_happy", "Happy")]
    [InlineData("activity_running", "Running")]
    [InlineData("late_night-mix", "Late night mix")]
    [InlineData(null, "chosen")]
    public void Playlist_folder_names_read_as_titles(string? playlist, string title) => Assert.Equal(title, PlainExplanation.PlaylistTitle(playlist));
}
