using BlazorMood.Vision;

namespace BlazorMood.Web.Components.Pages.Home.Live;

/// <summary>How an emotion label is shown: emoji, colour, title case. Matches the overlay colours of live-emotion.js.</summary>
public static class EmotionDisplay
{
    public static IReadOnlyList<string> Labels => EmotionLabels.All;

    public static string Emoji(string? label) => label switch
    {
        "angry" => "😠",
        "disgust" => "🤢",
        "fear" => "😨",
        "happy" => "😄",
        "sad" => "😢",
        "surprise" => "😮",
        "neutral" => "😐",
        _ => "❔",
    };

    public static string Color(string? label) => label switch
    {
        "angry" => "#ff5252",
        "disgust" => "#8bc34a",
        "fear" => "#b388ff",
        "happy" => "#ffd740",
        "sad" => "#40c4ff",
        "surprise" => "#ff6e40",
        "neutral" => "#cfd8dc",
        _ => "#ffffff",
    };

    public static string Title(string? label) =>
        string.IsNullOrEmpty(label) ? "" : char.ToUpperInvariant(label[0]) + label[1..];

    public static string Percent(float p) => $"{Math.Round(Math.Clamp(p, 0, 1) * 100):0}%";
}
