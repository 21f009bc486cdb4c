using System.Net;

namespace BlazorMood.Web.Tests;

public sealed class HostTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Health_check_answers()
    {
        var response = await _client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css")]
    [InlineData("/css/app.css")]
    public async Task Serves_framework_package_and_top_level_wwwroot_assets(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
    }

    [Fact]
    public async Task The_home_page_renders_the_tabbed_dashboard()
    {
        var html = await _client.GetStringAsync("/");

        Assert.Contains("Live Emotion", html, StringComparison.Ordinal);
        Assert.Contains("Upload Video", html, StringComparison.Ordinal);
        Assert.Contains("Recommendations", html, StringComparison.Ordinal);
    }
}
