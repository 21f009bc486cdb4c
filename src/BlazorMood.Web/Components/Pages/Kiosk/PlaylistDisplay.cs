using System.Globalization;
using BlazorMood.Web.Components.Pages.Home.Live;

namespace BlazorMood.Web.Components.Pages.Kiosk;

/// <summary>A playlist's name in words for a wall screen: "emotion_happy" reads "Happy mood", "activity_running" "Running".</summary>
public static class PlaylistDisplay
{
    public static string Title(string? playlist)
    {
        if (string.IsNullOrWhiteSpace(playlist))
        {
            return "";
        }
        if (playlist.StartsWith("emotion_", StringComparison.Ordinal))
        {
            return EmotionDisplay.Title(playlist["emotion_".Length..]) + " mood";
        }
        var words = playlist.StartsWith("activity_", StringComparison.Ordinal) ? playlist["activity_".Length..] : playlist;
        words = words.Replace('_', ' ').Replace('-', ' ').Trim();
        return words.Length == 0 ? playlist : char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }
}
