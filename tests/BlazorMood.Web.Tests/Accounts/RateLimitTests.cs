using System.Net;
using System.Net.Http.Headers;

namespace BlazorMood.Web.Tests.Accounts;

/// <summary>A host with tiny limits: the third sign-in post, emotion request or upload in a window is refused.</summary>
public sealed class RateLimitHost : BlazorMoodWebFactory
{
    public RateLimitHost()
        : base(new Dictionary<string, string?>
        {
            ["RateLimits:AccountForms:PermitLimit"] = "2",
            ["RateLimits:AccountForms:Window"] = "00:10:00",
            ["RateLimits:EmotionApi:PermitLimit"] = "2",
            ["RateLimits:EmotionApi:Window"] = "00:10:00",
            ["RateLimits:VideoUploads:PermitLimit"] = "1",
            ["RateLimits:VideoUploads:Window"] = "00:10:00",
        })
    {
    }
}

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class RateLimitTests(RateLimitHost host) : IClassFixture<RateLimitHost>
{
    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(int.TryParse(response.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds > 0);
        Assert.Contains("try again in", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static ByteArrayContent Image()
    {
        var content = new ByteArrayContent(TestFrames.Astronaut);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return content;
    }

    [Fact]
    public async Task The_emotion_api_is_limited_per_user()
    {
        var first = await host.CreateAccountAsync(name: "rl-first");
        var second = await host.CreateAccountAsync(name: "rl-second");
        using var client = host.CreateClientFor(first);
        using var neighbour = host.CreateClientFor(second);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            answers.Add((await client.PostAsync("/api/emotion", Image())).StatusCode);
        }
        var third = await client.PostAsync("/api/emotion", Image());
        var otherUser = await neighbour.PostAsync("/api/emotion", Image());
        var reads = await client.GetAsync("/api/recommend");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a));
        await AssertTooManyAsync(third);
        Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reads.StatusCode);
    }

    [Fact]
    public async Task Sign_in_posts_are_limited_per_address_but_the_page_still_shows()
    {
        using var browser = new BrowserSession(host);

        var attempts = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            attempts.Add((await browser.SignInAsync("nobody@example.org", "Wrong-password-1")).StatusCode);
        }
        var third = await browser.SignInAsync(host.User.Email, host.User.Password);

        Assert.All(attempts, a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        await AssertTooManyAsync(third);
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/account/login")).StatusCode);
    }

    [Fact]
    public async Task Only_the_upload_itself_counts_for_videos()
    {
        var account = await host.CreateAccountAsync(name: "rl-video");
        using var client = host.CreateClientFor(account);

        // Not multipart: refused by the endpoint (415), but it counted.
        using var notAVideo = new StringContent("x");
        var first = await client.PostAsync("/api/videos", notAVideo);
        using var again = new StringContent("x");
        var second = await client.PostAsync("/api/videos", again);
        var cancels = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            cancels.Add((await client.PostAsync($"/api/videos/{Guid.NewGuid()}/cancel", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, first.StatusCode);
        await AssertTooManyAsync(second);
        Assert.All(cancels, c => Assert.Equal(HttpStatusCode.NotFound, c));
    }
}
