namespace BlazorMood.Music.Recommendation;

/// <summary>Which signal chose the music (lower-case names are the API's wire values).</summary>
public enum RecommendationSource
{
    Emotion,
    Activity,
    Text,
    Time,
    Default,

    /// <summary>An admin pinned a playlist: everything comes from it until it is unpinned.</summary>
    Pinned,
}

public enum RecommendationMode
{
    /// <summary>The original rule: fresh emotion → its playlist; else last activity → its playlist; else neutral.</summary>
    Baseline,

    /// <summary>Scores every track against emotion, activity, cadence, time of day, text and feedback.</summary>
    Context,
}

/// <summary>One recommendation request; the overrides stand in for observations (API query parameters, tests).</summary>
public sealed record RecommendationRequest
{
    public required string UserId { get; init; }

    public RecommendationMode Mode { get; init; } = RecommendationMode.Baseline;

    /// <summary>Treated as an emotion observed now.</summary>
    public string? Emotion { get; init; }

    /// <summary>Treated as an activity observed now.</summary>
    public string? Activity { get; init; }

    /// <summary>Steps per minute; overrides the activity's measured cadence.</summary>
    public double? CadenceSpm { get; init; }

    /// <summary>Free-text mood query such as "calm focus music" (context mode).</summary>
    public string? Text { get; init; }

    /// <summary>
    /// Leave the observed emotion out (the listener asked for an activity's music: a face in view must not take
    /// over). An <see cref="Emotion"/> override still counts.
    /// </summary>
    public bool IgnoreObservedEmotion { get; init; }

    /// <summary>Evaluate as if it were this instant (also sets the daypart); defaults to now.</summary>
    public DateTimeOffset? At { get; init; }
}

/// <summary>The answer, shaped like <c>GET /api/recommend</c>.</summary>
public sealed record Recommendation(
    RecommendationSource Source,
    RecommendationMode Mode,
    RecommendationContext Context,
    RecommendationReason Reason,
    IReadOnlyList<RecommendedTrack> Tracks);

/// <summary>The context the decision saw.</summary>
public sealed record RecommendationContext(
    DateTimeOffset At,
    string? Emotion,
    double? EmotionConfidence,
    double? EmotionAgeSeconds,
    string? Activity,
    double? CadenceSpm,
    string Daypart,
    string? Text,
    string? Playlist,
    string ContextKey);

/// <summary>Why: machine-readable parts (stable keys) and one human sentence.</summary>
public sealed record RecommendationReason(IReadOnlyList<ReasonPart> Parts, string Summary);

/// <summary>One machine-readable reason, e.g. <c>("rule", "emotion-within-window")</c> or <c>("bpmMatch", "0.93")</c>.</summary>
public sealed record ReasonPart(string Key, string Value);

/// <summary>A track in the answer; <paramref name="Why"/> explains this track's place in the list.</summary>
public sealed record RecommendedTrack(
    string Id,
    string Title,
    string Artist,
    double Duration,
    double? Bpm,
    string Url,
    string Playlist,
    double Score,
    string Why)
{
    /// <summary>
    /// Gain in dB the player applies so every track plays at <c>Music:TargetLoudnessLufs</c> (EBU R128 loudness
    /// normalisation, clamped to ±12 dB); null when the track's loudness was never measured (play it as it is).
    /// </summary>
    public double? GainDb { get; init; }

    /// <summary>The server a remote track streams from (e.g. a Subsonic server's name); null for the local library.</summary>
    public string? Source { get; init; }
}

public enum FeedbackKind
{
    Like,
    Skip,
    Complete,
}
