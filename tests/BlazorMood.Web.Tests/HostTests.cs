using System.Net;

namespace BlazorMood.Web.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
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
    [InlineData("/js/live-emotion.js")]
    public async Task Serves_framework_package_and_top_level_wwwroot_assets(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
    }

    [Fact]
    public async Task The_live_client_bundle_carries_signalr_and_messagepack_and_loads_nothing_from_a_cdn()
    {
        var js = await _client.GetStringAsync("/js/live-emotion.js");

        Assert.Contains("negotiate", js, StringComparison.Ordinal); // the SignalR client
        Assert.Contains("\"messagepack\"", js, StringComparison.Ordinal); // its MessagePack protocol
        Assert.Contains("AnalyzeFrame", js, StringComparison.Ordinal); // our hub method
        Assert.DoesNotContain("cdn.", js, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unpkg", js, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_home_page_renders_the_tabbed_dashboard()
    {
        // Pages need a browser sign-in (an API token opens APIs only).
        using var browser = new Accounts.BrowserSession(factory);
        await browser.SignInAsync(factory.User);
        var html = await browser.Client.GetStringAsync("/");

        Assert.Contains("Live Emotion", html, StringComparison.Ordinal);
        Assert.Contains("Upload Video", html, StringComparison.Ordinal);
        Assert.Contains("Recommendations", html, StringComparison.Ordinal);
    }
}
