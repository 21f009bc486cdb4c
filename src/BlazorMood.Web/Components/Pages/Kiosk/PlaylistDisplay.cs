using BlazorMood.Playback;
using BlazorMood.Web.Components.Pages.Home.Live;

namespace BlazorMood.Web.Components.Pages.Kiosk;

/// <summary>A playlist's name in words for a wall screen: "emotion_happy" reads "Happy mood", "activity_running" "Running".</summary>
public static class PlaylistDisplay
{
    public static string Title(string? playlist) =>
        string.IsNullOrWhiteSpace(playlist) ? ""
        // On the wall an emotion's playlist says it is a mood; otherwise the name reads as the player's explanations read it.
        : playlist.StartsWith("emotion_", StringComparison.Ordinal) ? EmotionDisplay.Title(playlist["emotion_".Length..]) + " mood"
        : PlainExplanation.PlaylistTitle(playlist);
}
