using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorMood.Web.Live;
using BlazorMood.Live;

namespace BlazorMood.Web.Tests.Live;

/// <summary><c>GET /api/emotions/stream</c> (SSE) and <c>GET /api/emotions/recent</c> against the real server.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class EmotionEventsApiTests(LiveServerFixture server) : IClassFixture<LiveServerFixture>
{
    [Fact]
    public async Task The_stream_sends_the_callers_dominant_emotion_changes_as_server_sent_events()
    {
        var account = await server.CreateAccountAsync(name: "sse");
        var someoneElse = await server.CreateAccountAsync(name: "other");
        using var http = server.CreateUserClient(account);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.GetAsync("api/emotions/stream", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal("event: ready", await reader.ReadLineAsync(cts.Token));

        await using var hub = await HubClient.ConnectAsync(server, account);
        await using var other = await HubClient.ConnectAsync(server, someoneElse);
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
    public async Task Recent_events_need_a_signed_in_caller_and_a_sane_limit()
    {
        var account = await server.CreateAccountAsync(name: "recent");
        using var anonymous = server.CreateAnonymousClient();
        using var http = server.CreateUserClient(account);

        var noCaller = await anonymous.GetAsync("api/emotions/recent");
        var noStream = await anonymous.GetAsync("api/emotions/stream");
        var badLimit = await http.GetAsync("api/emotions/recent?limit=0");
        var tooMany = await http.GetAsync("api/emotions/recent?limit=100000");
        var empty = await http.GetFromJsonAsync<EmotionEventDto[]>("api/emotions/recent");

        Assert.Equal(HttpStatusCode.Unauthorized, noCaller.StatusCode);
        Assert.Equal("application/problem+json", noCaller.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", noCaller.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, noStream.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Empty(empty!);
    }

    [Fact]
    public async Task A_user_reads_only_their_own_events_whatever_the_query_says()
    {
        var owner = await server.CreateAccountAsync(name: "owner");
        var snoop = await server.CreateAccountAsync(name: "snoop");
        await using (var hub = await HubClient.ConnectAsync(server, owner))
        {
            Assert.Equal(FrameStatus.Ok, (await hub.SendAsync(1, TestFrames.Astronaut)).Status);
        }
        using var ownerHttp = server.CreateUserClient(owner);
        using var snoopHttp = server.CreateUserClient(snoop);
        EmotionEventDto[] mine = [];
        for (var i = 0; i < 50 && mine.Length == 0; i++)
        {
            await Task.Delay(100);
            mine = (await ownerHttp.GetFromJsonAsync<EmotionEventDto[]>("api/emotions/recent"))!;
        }

        // The query parameter of before accounts names nobody now.
        var theirs = await snoopHttp.GetFromJsonAsync<EmotionEventDto[]>($"api/emotions/recent?session={owner.Id}");

        Assert.Equal("happy", Assert.Single(mine).Label);
        Assert.Empty(theirs!);
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
        using var http = server.CreateAnonymousClient();
        var response = await http.GetAsync($"cues/{label}.ogg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/ogg", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.InRange(bytes.Length, 1024, 32 * 1024);
        Assert.Equal("OggS"u8.ToArray(), bytes[..4]);
    }
}
