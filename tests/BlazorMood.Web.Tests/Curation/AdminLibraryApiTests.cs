using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BlazorMood.Music.Curation;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.Curation;

/// <summary>
/// <c>/api/admin</c> on the real host over a temporary library: only admins get in, every change is visible to the
/// next <c>GET /api/recommend</c> without a restart, uploads are analysed by the background worker, and bad input is
/// refused with problem+json and nothing written.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class AdminLibraryApiTests(CurationWebFactory factory, ITestOutputHelper output) : IClassFixture<CurationWebFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private HttpClient Admin() => factory.CreateClientFor(factory.Admin);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private static MultipartFormDataContent FilePart(byte[] bytes, string fileName)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return form;
    }

    private static async Task<JsonElement> RecommendAsync(HttpClient client, string query) =>
        await ReadAsync(await client.GetAsync("/api/recommend" + query), HttpStatusCode.OK);

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("user", HttpStatusCode.Forbidden)]
    [InlineData("kiosk", HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task Only_admins_reach_the_curation_api(string role, HttpStatusCode expected)
    {
        using var client = role switch
        {
            "anonymous" => factory.CreateAnonymousClient(),
            "user" => factory.CreateClientFor(factory.User),
            "kiosk" => factory.CreateClientFor(factory.Kiosk),
            _ => Admin(),
        };
        var name = "auth_" + role;

        var library = await client.GetAsync("/api/admin/library");
        var create = await client.PostAsJsonAsync("/api/admin/playlists", new { name });
        var export = await client.GetAsync("/api/admin/playlists/emotion_sad/metadata");

        Assert.Equal(expected, library.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? HttpStatusCode.Created : expected, create.StatusCode);
        Assert.Equal(expected, export.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK, Directory.Exists(Path.Combine(factory.LibraryRoot, name)));
    }

    [Fact]
    public async Task A_playlist_mapped_to_an_emotion_gets_an_uploaded_track_analysed_and_recommended_then_ban_and_pin_apply_live()
    {
        using var admin = Admin();
        var steps = new System.Collections.Concurrent.ConcurrentQueue<TrackAnalysisUpdate>();
        var notifier = factory.Services.GetRequiredService<TrackAnalysisNotifier>();
        void Record(TrackAnalysisUpdate u) => steps.Enqueue(u);
        notifier.Updated += Record;
        var created = await ReadAsync(await admin.PostAsJsonAsync("/api/admin/playlists",
            new { name = "surprise_curated", context = new { kind = "emotion", value = "surprise" } }), HttpStatusCode.Created);
        Assert.Equal("emotion", created.GetProperty("context").GetProperty("kind").GetString());

        var upload = await admin.PostAsync("/api/admin/playlists/surprise_curated/tracks",
            FilePart(GeneratedTracks.Clicks(120, 20, "Click at 120"), "my song.ogg"));
        var uploaded = await ReadAsync(upload, HttpStatusCode.Created);
        var id = uploaded.GetProperty("trackId").GetString()!;
        Assert.Equal("Click at 120", uploaded.GetProperty("title").GetString());
        Assert.EndsWith(".ogg", uploaded.GetProperty("fileName").GetString(), StringComparison.Ordinal);

        // Recommended by the very next request, before any analysis.
        var first = await RecommendAsync(admin, "?emotion=surprise");
        Assert.Equal(id, first.GetProperty("tracks")[0].GetProperty("id").GetString());
        Assert.Equal("surprise_curated", first.GetProperty("context").GetProperty("playlist").GetString());

        // The background worker measures it; the API shows the state, then the tempo.
        JsonElement track = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            track = await ReadAsync(await admin.GetAsync($"/api/admin/tracks/{id}"), HttpStatusCode.OK);
            if (track.GetProperty("analysis").GetProperty("state").GetString() is "done" or "failed")
            {
                break;
            }
            await Task.Delay(250);
        }
        output.WriteLine(track.ToString());
        Assert.Equal("done", track.GetProperty("analysis").GetProperty("state").GetString());
        Assert.InRange(track.GetProperty("bpm").GetDouble(), 117.6, 122.4);
        Assert.True(track.TryGetProperty("energyDb", out var energy) && energy.ValueKind == JsonValueKind.Number);
        notifier.Updated -= Record;
        // The worker reported each step to the notifier the Admin page watches.
        var phases = steps.Where(u => u.TrackId == id).Select(u => u.Phase).Distinct().ToList();
        Assert.Equal([TrackAnalysisPhase.Queued, TrackAnalysisPhase.Analysing, TrackAnalysisPhase.Done], phases);
        Assert.Contains(steps, u => u.TrackId == id && u.Phase == TrackAnalysisPhase.Analysing && u.Progress is > 0 and < 1);
        var analysed = await RecommendAsync(admin, "?emotion=surprise");
        Assert.InRange(analysed.GetProperty("tracks")[0].GetProperty("bpm").GetDouble(), 117.6, 122.4);

        // Ban: gone from the next recommendation in both modes.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"/api/admin/tracks/{id}/ban", null)).StatusCode);
        var banned = await RecommendAsync(admin, "?emotion=surprise");
        var bannedContext = await RecommendAsync(admin, "?emotion=surprise&mode=context");
        Assert.DoesNotContain(banned.GetProperty("tracks").EnumerateArray(), t => t.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(bannedContext.GetProperty("tracks").EnumerateArray(), t => t.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/tracks/{id}/ban")).StatusCode);

        // Pin: everything from the pinned playlist until unpinned.
        await ReadAsync(await admin.PutAsJsonAsync("/api/admin/pin", new { playlist = "surprise_curated" }), HttpStatusCode.OK);
        var pinned = await RecommendAsync(admin, "?emotion=sad");
        Assert.Equal("pinned", pinned.GetProperty("source").GetString());
        Assert.All(pinned.GetProperty("tracks").EnumerateArray(), t => Assert.Equal("surprise_curated", t.GetProperty("playlist").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/pin")).StatusCode);
        Assert.Equal("emotion", (await RecommendAsync(admin, "?emotion=sad")).GetProperty("source").GetString());

        // Renaming changes the track's path (and id); what the worker measured is carried into metadata.json, so the
        // renamed track keeps its tempo without a second analysis.
        await ReadAsync(await admin.PostAsJsonAsync("/api/admin/playlists/surprise_curated/rename", new { name = "surprise_renamed" }), HttpStatusCode.OK);
        var renamed = (await ReadAsync(await admin.GetAsync("/api/admin/playlists/surprise_renamed/tracks"), HttpStatusCode.OK))[0];
        Assert.Equal("done", renamed.GetProperty("analysis").GetProperty("state").GetString());
        Assert.InRange(renamed.GetProperty("bpm").GetDouble(), 117.6, 122.4);
        var entry = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(factory.LibraryRoot, "surprise_renamed", "metadata.json"))).RootElement[0];
        Assert.InRange(entry.GetProperty("analysis").GetProperty("bpm").GetDouble(), 117.6, 122.4);
        Assert.Equal("surprise_renamed", (await RecommendAsync(admin, "?emotion=surprise")).GetProperty("tracks")[0].GetProperty("playlist").GetString());
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("user")]
    [InlineData("kiosk")]
    public async Task The_admin_page_is_not_served_to_anyone_else(string role)
    {
        var options = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false };
        using var client = role switch
        {
            "anonymous" => factory.CreateAnonymousClient(options),
            "user" => factory.CreateClientFor(factory.User, options),
            _ => factory.CreateClientFor(factory.Kiosk, options),
        };

        var response = await client.GetAsync("/admin");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("data-testid=\"library-admin\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        output.WriteLine($"{role}: {(int)response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task Garbage_uploads_and_wrong_bodies_are_refused_and_leave_nothing()
    {
        using var admin = Admin();
        var folder = Path.Combine(factory.LibraryRoot, "activity_running");
        var before = Directory.GetFiles(folder).Select(Path.GetFileName).Order().ToList();
        var garbage = new byte[30_000];
        new Random(5).NextBytes(garbage);

        var bad = await admin.PostAsync("/api/admin/playlists/activity_running/tracks", FilePart(garbage, "song.mp3"));
        var notMultipart = await admin.PostAsync("/api/admin/playlists/activity_running/tracks", new ByteArrayContent(garbage));
        var noPlaylist = await admin.PostAsync("/api/admin/playlists/nope/tracks", FilePart(garbage, "a.mp3"));
        var traversal = await admin.PostAsJsonAsync("/api/admin/playlists", new { name = "../outside" });
        var badKind = await admin.PutAsJsonAsync("/api/admin/playlists/activity_running/settings", new { context = new { kind = "planet", value = "mars" } });

        var problem = await ReadAsync(bad, HttpStatusCode.UnsupportedMediaType);
        Assert.StartsWith("Not an accepted audio file", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noPlaylist.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, traversal.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.Equal(before, Directory.GetFiles(folder).Select(Path.GetFileName).Order().ToList());
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(factory.LibraryRoot)!, "outside")));
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.LibraryRoot, ".blazormood", "incoming")));
    }

    [Fact]
    public async Task Export_import_round_trips_and_a_bad_import_lists_its_entries_with_422()
    {
        using var admin = Admin();
        var original = await File.ReadAllBytesAsync(Path.Combine(factory.LibraryRoot, "activity_running", "metadata.json"));

        var exported = await admin.GetAsync("/api/admin/playlists/activity_running/metadata");
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.Equal("application/json", exported.Content.Headers.ContentType?.MediaType);
        var bytes = await exported.Content.ReadAsByteArrayAsync();
        Assert.Equal(original, bytes);

        var imported = await ReadAsync(await admin.PutAsync("/api/admin/playlists/activity_running/metadata",
            new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }), HttpStatusCode.OK);
        Assert.Equal(5, imported.GetProperty("entries").GetInt32());

        var slim = JsonDocument.Parse(await (await admin.GetAsync("/api/admin/playlists/activity_running/metadata?format=original")).Content.ReadAsStringAsync()).RootElement;
        Assert.All(slim.EnumerateArray(), e => Assert.Equal(["title", "artist", "duration", "filepath"], e.EnumerateObject().Select(p => p.Name)));

        var badJson = """[{"title":"x","artist":"y","duration":1,"filepath":"../emotion_sad/sad-01.opus"}]""";
        var refused = await admin.PutAsync("/api/admin/playlists/activity_running/metadata", new StringContent(badJson, Encoding.UTF8, "application/json"));
        var problem = await ReadAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not inside the playlist folder", problem.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(5, (await ReadAsync(await admin.GetAsync("/api/admin/playlists/activity_running/tracks"), HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task Deleting_a_playlist_with_tracks_needs_a_choice()
    {
        using var admin = Admin();
        await ReadAsync(await admin.PostAsJsonAsync("/api/admin/playlists", new { name = "to_delete" }), HttpStatusCode.Created);
        var upload = await admin.PostAsync("/api/admin/playlists/to_delete/tracks", FilePart(GeneratedTracks.Clicks(90, 3, "Short"), "s.ogg"));
        var id = (await ReadAsync(upload, HttpStatusCode.Created)).GetProperty("trackId").GetString()!;

        var refused = await admin.DeleteAsync("/api/admin/playlists/to_delete");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Move them", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/admin/playlists/to_delete?tracks=move&to=emotion_happy")).StatusCode);
        var happy = await ReadAsync(await admin.GetAsync("/api/admin/playlists/emotion_happy/tracks"), HttpStatusCode.OK);
        Assert.Contains(happy.EnumerateArray(), t => t.GetProperty("title").GetString() == "Short");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/admin/tracks/{id}")).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(factory.LibraryRoot, "to_delete")));
    }

    [Fact]
    public async Task Editing_and_moving_a_track_through_the_api()
    {
        using var admin = Admin();
        var tracks = await ReadAsync(await admin.GetAsync("/api/admin/playlists/emotion_sad/tracks"), HttpStatusCode.OK);
        var id = tracks[0].GetProperty("id").GetString()!;

        var edited = await ReadAsync(await admin.PutAsJsonAsync($"/api/admin/tracks/{id}",
            new { title = "Rainy Window", artist = "Synth", bpmOverride = 62.0, tags = new[] { "rain" } }), HttpStatusCode.OK);
        Assert.Equal("Rainy Window", edited.GetProperty("title").GetString());
        Assert.Equal(62, edited.GetProperty("bpm").GetDouble());
        Assert.Equal(62, edited.GetProperty("bpmOverride").GetDouble());

        var moved = await ReadAsync(await admin.PostAsJsonAsync($"/api/admin/tracks/{id}/move", new { playlist = "emotion_neutral" }), HttpStatusCode.OK);
        Assert.Equal("emotion_neutral", moved.GetProperty("playlist").GetString());
        Assert.Equal("Rainy Window", moved.GetProperty("title").GetString());
        // A tag named in a mood query lifts the track (feedback sampling still orders the relevant ones).
        var rain = await RecommendAsync(admin, "?text=rain&mode=context");
        Assert.Contains(rain.GetProperty("tracks").EnumerateArray().Take(5), t => t.GetProperty("id").GetString() == moved.GetProperty("id").GetString());
        Assert.Contains(rain.GetProperty("reason").GetProperty("parts").EnumerateArray(), p => p.GetProperty("key").GetString() == "tags");
        var badEdit = await admin.PutAsJsonAsync($"/api/admin/tracks/{moved.GetProperty("id").GetString()}", new { title = "", bpmOverride = 1000 });
        Assert.Equal(HttpStatusCode.BadRequest, badEdit.StatusCode);
    }
}
