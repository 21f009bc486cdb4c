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

    /// <summary>Index of the largest probability (the first on a tie); -1 for none.</summary>
    public static int TopIndex(IReadOnlyList<float>? probabilities)
    {
        if (probabilities is not { Count: > 0 } p)
        {
            return -1;
        }
        var top = 0;
        for (var i = 1; i < p.Count; i++)
        {
            if (p[i] > p[top])
            {
                top = i;
            }
        }
        return top;
    }

    public static string Percent(float p) => $"{Math.Round(Math.Clamp(p, 0, 1) * 100):0}%";
}
