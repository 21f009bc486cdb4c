using BlazorMood.Web.Components.Pages.Home.Live;

namespace BlazorMood.Web.Tests.Components;

public sealed class CameraProblemTests
{
    [Theory]
    [InlineData("camera-problem:denied", "Allow the camera for this site")]
    [InlineData("camera-problem:missing", "No camera was found")]
    [InlineData("camera-problem:busy", "in use by another program")]
    [InlineData("camera-problem:insecure", "secure address")]
    [InlineData("camera-problem:server", "server cannot be reached")]
    [InlineData("TypeError: x is undefined", "Reload the page")]
    public void Each_problem_gets_plain_words_with_a_way_forward(string message, string expected)
    {
        Assert.Contains(expected, CameraProblem.Describe(message), StringComparison.Ordinal);
    }

    [Fact]
    public void The_browser_stack_never_reaches_the_words()
    {
        var words = CameraProblem.Describe("camera-problem:denied\nError: camera-problem:denied\n    at Ce.startCamera (http://h/js/live-emotion.js:1:87207)");

        Assert.DoesNotContain("live-emotion.js", words, StringComparison.Ordinal);
        Assert.DoesNotContain("camera-problem", words, StringComparison.Ordinal);
    }
}
