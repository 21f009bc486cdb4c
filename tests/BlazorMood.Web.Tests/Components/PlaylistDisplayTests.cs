using BlazorMood.Web.Components.Pages.Kiosk;

namespace BlazorMood.Web.Tests.Components;

public sealed class PlaylistDisplayTests
{
    [Theory]
    [InlineData("emotion_neutral", "Neutral mood")]
    [InlineData("emotion_happy", "Happy mood")]
    [InlineData("activity_running", "Running")]
    [InlineData("evening-chill_mix", "Evening chill mix")]
    [InlineData("", "")]
    public void A_wall_screen_shows_words_not_slugs(string playlist, string expected) =>
        Assert.Equal(expected, PlaylistDisplay.Title(playlist));
}
