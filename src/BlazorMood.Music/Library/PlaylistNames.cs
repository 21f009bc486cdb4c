namespace BlazorMood.Music.Library;

/// <summary>The playlist folder names of the original system, and the emotion/activity labels they map from.</summary>
public static class PlaylistNames
{
    public const string EmotionPrefix = "emotion_";
    public const string ActivityPrefix = "activity_";
    public const string Neutral = "emotion_neutral";

    /// <summary>The seven emotion classes of the emotion model.</summary>
    public static IReadOnlyList<string> Emotions { get; } = ["happy", "sad", "angry", "neutral", "surprise", "fear", "disgust"];

    /// <summary>Activities with a playlist (standing is extra to the original list).</summary>
    public static IReadOnlyList<string> Activities { get; } = ["running", "sleeping", "walking", "sitting", "cycling", "exercising", "standing"];

    /// <summary>Every playlist the feature expects to find (missing ones are reported, not fatal).</summary>
    public static IReadOnlyList<string> Required { get; } =
        [.. Emotions.Select(e => EmotionPrefix + e), .. Activities.Select(a => ActivityPrefix + a)];

    public static string ForEmotion(string label) => EmotionPrefix + Normalize(label);

    public static string ForActivity(string activity) => ActivityPrefix + Normalize(activity);

    public static bool IsKnownEmotion(string? label) => label is not null && Emotions.Contains(Normalize(label), StringComparer.Ordinal);

    /// <summary>Labels arrive from models and query strings; compare them trimmed and lower-case.</summary>
    public static string Normalize(string label) => label.Trim().ToLowerInvariant();
}
