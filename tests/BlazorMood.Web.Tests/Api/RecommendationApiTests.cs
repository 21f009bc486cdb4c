using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Api;

/// <summary><c>GET /api/recommend</c>, <c>POST /api/feedback</c> and <c>GET /api/tracks/{id}</c> on the real host and starter library.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class RecommendationApiTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The factory's default account (role User): for requests whose listener does not matter.</summary>
    private HttpClient Client() => factory.CreateClient();

    /// <summary>A listener of its own, so no other test's context or feedback leaks in.</summary>
    private async Task<(HttpClient Client, TestAccount Account)> ListenerAsync()
    {
        var account = await factory.CreateAccountAsync(name: "api");
        return (factory.CreateClientFor(account), account);
    }

    private static async Task<JsonElement> RecommendAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/recommend" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static string[] Playlists(JsonElement r) => r.GetProperty("tracks").EnumerateArray().Select(t => t.GetProperty("playlist").GetString()!).ToArray();

    private async Task<string> AnyTrackIdAsync() =>
        (await RecommendAsync(Client(), "?emotion=happy")).GetProperty("tracks")[0].GetProperty("id").GetString()!;

    [Fact]
    public async Task An_emotion_override_plays_that_emotions_playlist()
    {
        var r = await RecommendAsync((await ListenerAsync()).Client, "?emotion=happy");

        Assert.Equal("emotion", r.GetProperty("source").GetString());
        Assert.Equal("baseline", r.GetProperty("mode").GetString());
        Assert.Equal("emotion_happy", r.GetProperty("context").GetProperty("playlist").GetString());
        Assert.Equal("happy", r.GetProperty("context").GetProperty("emotion").GetString());
        Assert.Contains("happy", r.GetProperty("reason").GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains(r.GetProperty("reason").GetProperty("parts").EnumerateArray(),
            p => p.GetProperty("key").GetString() == "rule" && p.GetProperty("value").GetString() == "emotion-within-window");
        var tracks = r.GetProperty("tracks").EnumerateArray().ToArray();
        Assert.True(tracks.Length >= 5);
        Assert.All(Playlists(r), p => Assert.Equal("emotion_happy", p));
        foreach (var t in tracks)
        {
            var id = t.GetProperty("id").GetString();
            Assert.Equal("/api/tracks/" + id, t.GetProperty("url").GetString());
            Assert.False(string.IsNullOrEmpty(t.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrEmpty(t.GetProperty("artist").GetString()));
            Assert.True(t.GetProperty("duration").GetDouble() > 0);
            Assert.InRange(t.GetProperty("bpm").GetDouble(), 60, 200);
        }
    }

    [Fact]
    public async Task An_activity_with_a_cadence_plays_the_activity_and_context_mode_aims_at_the_cadence()
    {
        var (client, _) = await ListenerAsync();

        var baseline = await RecommendAsync(client, "?activity=running&cadence=160");
        var context = await RecommendAsync(client, "?activity=running&cadence=160&mode=context");

        Assert.Equal("activity", baseline.GetProperty("source").GetString());
        Assert.All(Playlists(baseline), p => Assert.Equal("activity_running", p));
        Assert.Equal(160, baseline.GetProperty("context").GetProperty("cadenceSpm").GetDouble());
        Assert.Equal("activity", context.GetProperty("source").GetString());
        Assert.Equal("context", context.GetProperty("mode").GetString());
        Assert.Contains(context.GetProperty("reason").GetProperty("parts").EnumerateArray(),
            p => p.GetProperty("key").GetString() == "targetBpm" && p.GetProperty("value").GetString() == "160");
        // The best track moves at the cadence or at half/double time of it.
        var bpm = context.GetProperty("tracks")[0].GetProperty("bpm").GetDouble();
        Assert.True(Math.Abs(bpm - 160) <= 16 || Math.Abs(bpm - 80) <= 8, $"first track at {bpm} BPM");
    }

    [Fact]
    public async Task Without_context_baseline_falls_back_to_neutral_and_context_mode_to_the_time_of_day()
    {
        var (fresh, _) = await ListenerAsync();

        var baseline = await RecommendAsync(fresh, "");
        var context = await RecommendAsync(fresh, "?mode=context&at=2026-11-24T07:30:00Z");

        Assert.Equal("default", baseline.GetProperty("source").GetString());
        Assert.All(Playlists(baseline), p => Assert.Equal("emotion_neutral", p));
        Assert.Equal("time", context.GetProperty("source").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T07:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            context.GetProperty("context").GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_mood_query_drives_context_mode()
    {
        var r = await RecommendAsync((await ListenerAsync()).Client, "?mode=context&text=" + Uri.EscapeDataString("calm focus music"));

        Assert.Equal("text", r.GetProperty("source").GetString());
        Assert.Equal("calm focus music", r.GetProperty("context").GetProperty("text").GetString());
        Assert.NotEmpty(r.GetProperty("tracks").EnumerateArray());
    }

    [Fact]
    public async Task The_accounts_reported_emotion_drives_its_own_recommendations_only()
    {
        var (client, account) = await ListenerAsync();
        var reporter = factory.Services.GetRequiredService<Music.Context.RecommendationContextReporter>();
        reporter.ReportEmotion(account.Id, "sad", 0.8, DateTimeOffset.UtcNow);

        var mine = await RecommendAsync(client, "");
        var someoneElse = await RecommendAsync((await ListenerAsync()).Client, "");

        Assert.Equal("emotion", mine.GetProperty("source").GetString());
        Assert.Equal("emotion_sad", mine.GetProperty("context").GetProperty("playlist").GetString());
        Assert.Equal("default", someoneElse.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("?mode=fancy")]
    [InlineData("?emotion=bored")]
    [InlineData("?activity=run%20ning")]
    [InlineData("?cadence=fast")]
    [InlineData("?cadence=-5")]
    [InlineData("?cadence=NaN")]
    [InlineData("?at=yesterday")]
    [InlineData("?emotion=happy&emotion=sad")]
    public async Task Bad_overrides_are_400_problems(string query)
    {
        var response = await Client().GetAsync("/api/recommend" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_text_longer_than_the_limit_is_a_400()
    {
        var response = await Client().GetAsync("/api/recommend?text=" + new string('a', 201));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Feedback_is_credited_to_the_context_the_track_was_served_in()
    {
        var (client, account) = await ListenerAsync();
        var r = await RecommendAsync(client, "?emotion=happy");
        var id = r.GetProperty("tracks")[0].GetProperty("id").GetString()!;

        var like = await client.PostAsJsonAsync("/api/feedback", new { trackId = id, kind = "like" });
        var skip = await client.PostAsJsonAsync("/api/feedback", new { trackId = id, kind = "SKIP" });
        var complete = await client.PostAsJsonAsync("/api/feedback", new { trackId = id, kind = "complete" });

        Assert.Equal(HttpStatusCode.NoContent, like.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, skip.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, complete.StatusCode);
        var counts = factory.Services.GetRequiredService<IFeedbackStore>().GetCounts(account.Id, "emotion:happy", id);
        Assert.Equal(1.5, counts.Likes);
        Assert.Equal(1, counts.Skips);
    }

    [Theory]
    [InlineData("{\"trackId\":\"TRACK\",\"kind\":\"love\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"trackId\":\"TRACK\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"kind\":\"like\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"trackId\":\"\",\"kind\":\"like\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"trackId\":42,\"kind\":\"like\"}", HttpStatusCode.BadRequest)]
    [InlineData("{not json", HttpStatusCode.BadRequest)]
    [InlineData("null", HttpStatusCode.BadRequest)]
    [InlineData("{\"trackId\":\"0000000000000000\",\"kind\":\"like\"}", HttpStatusCode.NotFound)]
    [InlineData("{\"trackId\":\"../../appsettings.json\",\"kind\":\"like\"}", HttpStatusCode.NotFound)]
    public async Task Bad_feedback_is_a_problem(string body, HttpStatusCode expected)
    {
        var id = await AnyTrackIdAsync();
        using var content = new StringContent(body.Replace("TRACK", id, StringComparison.Ordinal), Encoding.UTF8, "application/json");

        var response = await Client().PostAsync("/api/feedback", content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Feedback_needs_a_signed_in_listener_and_json()
    {
        var id = await AnyTrackIdAsync();
        using var anonymous = factory.CreateAnonymousClient();

        var noListener = await anonymous.PostAsJsonAsync("/api/feedback", new { trackId = id, kind = "like" });
        using var form = new StringContent($"trackId={id}&kind=like", Encoding.UTF8, "application/x-www-form-urlencoded");
        var notJson = await Client().PostAsync("/api/feedback", form);

        Assert.Equal(HttpStatusCode.Unauthorized, noListener.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
    }

    [Fact]
    public async Task Tracks_are_served_with_range_requests()
    {
        var id = await AnyTrackIdAsync();
        var client = Client();

        using var whole = await client.GetAsync($"/api/tracks/{id}");
        using var range = new HttpRequestMessage(HttpMethod.Get, $"/api/tracks/{id}");
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 1123);
        using var partial = await client.SendAsync(range);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("audio/ogg", whole.Content.Headers.ContentType?.MediaType);
        Assert.Contains("bytes", whole.Headers.AcceptRanges);
        var length = (await whole.Content.ReadAsByteArrayAsync()).Length;
        Assert.True(length > 10_000);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(100, partial.Content.Headers.ContentRange!.From);
        Assert.Equal(1123, partial.Content.Headers.ContentRange.To);
        Assert.Equal(length, partial.Content.Headers.ContentRange.Length);
        Assert.Equal(1024, (await partial.Content.ReadAsByteArrayAsync()).Length);
    }

    [Theory]
    [InlineData("0000000000000000", HttpStatusCode.NotFound)]
    [InlineData("..%2F..%2Fappsettings.json", HttpStatusCode.BadRequest)]
    [InlineData("a.b", HttpStatusCode.BadRequest)]
    public async Task Unknown_or_malformed_track_ids_are_problems(string id, HttpStatusCode expected)
    {
        var response = await Client().GetAsync($"/api/tracks/{id}");

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_player_module_is_served_as_a_plain_script()
    {
        var response = await Client().GetAsync("/js/music-player.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("export function create", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
