using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.Web.Live;

namespace BlazorMood.Web.Tests.Live;

/// <summary><c>GET /api/emotions/stream</c> (SSE) and <c>GET /api/emotions/recent</c> against the real server.</summary>
public sealed class EmotionEventsApiTests(LiveServerFixture server) : IClassFixture<LiveServerFixture>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task The_stream_sends_the_callers_dominant_emotion_changes_as_server_sent_events()
    {
        var session = "sse" + Guid.NewGuid().ToString("n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/emotions/stream");
        request.Headers.Add("Cookie", $"{LiveSession.CookieName}={session}");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("event: ready", await reader.ReadLineAsync(cts.Token));

        await using var hub = await HubClient.ConnectAsync(server, session);
        await using var other = await HubClient.ConnectAsync(server, "someone-else");
        await other.SendAsync(1, TestFrames.Group);
        var result = await hub.SendAsync(1, TestFrames.Astronaut);
        Assert.Equal(FrameStatus.Ok, result.Status);

        string? line;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null && line != "event: emotion")
        {
        }
        var data = await reader.ReadLineAsync(cts.Token);
        Assert.NotNull(data);
        Assert.StartsWith("data: ", data, StringComparison.Ordinal);
        var json = JsonDocument.Parse(data["data: ".Length..]).RootElement;
        Assert.Equal("happy", json.GetProperty("label").GetString());
        Assert.InRange(json.GetProperty("confidence").GetSingle(), 0.2f, 1f);
    }

    [Fact]
    public async Task Recent_events_need_a_session_and_a_sane_limit()
    {
        using var noCookies = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = server.BaseAddress };
        var noSession = await noCookies.GetAsync("api/emotions/recent");
        var badLimit = await _http.GetAsync("api/emotions/recent?session=abc&limit=0");
        var tooMany = await _http.GetAsync("api/emotions/recent?session=abc&limit=100000");
        var badId = await _http.GetAsync("api/emotions/recent?session=a%20b");
        var empty = await _http.GetFromJsonAsync<EmotionEventDto[]>("api/emotions/recent?session=nobody-here");

        Assert.Equal(HttpStatusCode.BadRequest, noSession.StatusCode);
        Assert.Equal("application/problem+json", noSession.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Empty(empty!);
    }

    [Fact]
    public async Task The_dashboard_hands_out_a_session_cookie()
    {
        using var handler = new HttpClientHandler { UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = server.BaseAddress };

        await browser.GetStringAsync("/");

        var cookie = handler.CookieContainer.GetCookies(server.BaseAddress)[LiveSession.CookieName];
        Assert.NotNull(cookie);
        Assert.True(LiveSession.IsValid(cookie.Value));
        Assert.True(cookie.HttpOnly);
        Assert.Empty(await browser.GetFromJsonAsync<EmotionEventDto[]>("api/emotions/recent") ?? [null!]);
    }

    [Theory]
    [InlineData("angry")]
    [InlineData("disgust")]
    [InlineData("fear")]
    [InlineData("happy")]
    [InlineData("sad")]
    [InlineData("surprise")]
    [InlineData("neutral")]
    public async Task Every_emotion_has_a_small_generated_cue_sound(string label)
    {
        var response = await _http.GetAsync($"cues/{label}.ogg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/ogg", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.InRange(bytes.Length, 1024, 32 * 1024);
        Assert.Equal("OggS"u8.ToArray(), bytes[..4]);
    }
}
