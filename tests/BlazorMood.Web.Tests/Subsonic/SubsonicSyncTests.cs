using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorMood.Data;
using BlazorMood.Data.Music;
using BlazorMood.Music.Library;
using BlazorMood.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.Subsonic;

/// <summary>A host with no local music (so every pick is a Subsonic song) and its own Subsonic server list.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Trait("Category", "Subsonic")]
public sealed class SubsonicSyncFactory : BlazorMoodWebFactory
{
    public SubsonicSyncFactory()
        : base(new Dictionary<string, string?>
        {
            ["Music:Subsonic:ServersPath"] = Path.Combine(Path.GetTempPath(), $"bm-subsonic-sync-{Guid.NewGuid():N}.json"),
            ["Music:LibraryPath"] = Directory.CreateTempSubdirectory("bm-empty-library-").FullName,
        })
    {
    }
}

/// <summary>
/// A Subsonic server added from the admin API becomes part of the library against a real server (supysonic on
/// loopback, serving six of the generated tracks): its songs are synced once (a second sync and a library reload add
/// or remove nothing), tagged with the tempo they were generated at, picked by mood, and streamed through the app;
/// a server that goes down keeps its songs, says so, and leaves the recommendations.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Trait("Category", "Subsonic")]
public sealed partial class SubsonicSyncTests(SubsonicSyncFactory factory, SupysonicServer server, ITestOutputHelper output)
    : IClassFixture<SubsonicSyncFactory>, IClassFixture<SupysonicServer>
{
    private static async Task<string> AddAsync(HttpClient admin, string name, SupysonicServer target)
    {
        var response = await admin.PostAsJsonAsync("/api/subsonic/servers", new { name, baseUrl = target.Url.AbsoluteUri, username = target.User, password = target.Password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Follows the status until the sync is over (tagging six 30-second songs takes seconds; two shared cores may take longer).</summary>
    private async Task<JsonElement> WaitForSyncAsync(HttpClient admin, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var status = JsonDocument.Parse(await admin.GetStringAsync($"/api/subsonic/servers/{id}/sync")).RootElement;
            var state = status.GetProperty("state").ToString();
            if (state is "Done" or "Failed" or "3" or "2" || DateTime.UtcNow > deadline)
            {
                output.WriteLine(status.GetRawText());
                return status;
            }
            await Task.Delay(250);
        }
    }

    private static string State(JsonElement status) => status.GetProperty("state").ValueKind == JsonValueKind.Number
        ? ((SubsonicSyncState)status.GetProperty("state").GetInt32()).ToString()
        : status.GetProperty("state").GetString()!;

    private async Task<int> StoredCountAsync(string serverId, bool removed)
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var playlist = SubsonicTrackPaths.PlaylistName(serverId);
        return await db.Tracks.CountAsync(t => t.PlaylistName == playlist && t.Removed == removed);
    }

    [GeneratedRegex(@"\((\d+) BPM")]
    private static partial Regex TitleTempo();

    [Fact]
    public async Task Added_server_is_synced_once_tagged_at_its_tempo_picked_by_mood_and_streamed()
    {
        using var admin = factory.CreateClientFor(factory.Admin);
        using var user = factory.CreateClientFor(factory.User);

        var id = await AddAsync(admin, "Home", server);
        var first = await WaitForSyncAsync(admin, id);

        Assert.Equal("Done", State(first));
        Assert.Equal(server.Tracks, first.GetProperty("found").GetInt32());
        Assert.Equal(server.Tracks, first.GetProperty("new").GetInt32());
        Assert.Equal(server.Tracks, first.GetProperty("tagged").GetInt32());
        Assert.Equal(0, first.GetProperty("tagFailed").GetInt32());
        Assert.Contains($"Found {server.Tracks} songs on Home", first.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Tagged like a local track: the measured tempo is the one each sketch was generated at (its title says it).
        var library = factory.Services.GetRequiredService<IMusicLibrary>();
        var songs = library.Current.Tracks.Where(t => t.Source == "Home").ToList();
        Assert.Equal(server.Tracks, songs.Count);
        foreach (var song in songs)
        {
            var known = double.Parse(TitleTempo().Match(song.Title).Groups[1].Value, CultureInfo.InvariantCulture);
            output.WriteLine($"{song.Title}: {song.Features.Bpm:0.0} BPM, {song.Features.LoudnessLufs:0.0} LUFS, {song.Features.Key} {song.Features.Mode}, valence {song.Features.Valence:0.00}, arousal {song.Features.Arousal:0.00}");
            Assert.StartsWith(SubsonicTrackPaths.Scheme + id + "/", song.RelativePath, StringComparison.Ordinal);
            Assert.Equal("BlazorMood Synth", song.Artist);
            Assert.InRange(song.DurationSeconds, 25, 40);
            Assert.NotNull(song.Features.Bpm);
            Assert.InRange(song.Features.Bpm!.Value, known * 0.97, known * 1.03);
            Assert.NotNull(song.Features.Valence);
            Assert.NotNull(song.Features.LoudnessLufs);
        }

        // Idempotent: a library reload (the file import) and a second sync neither add nor remove anything.
        var import = await factory.Services.GetRequiredService<LibraryImporter>().ImportAsync(factory.Services.GetRequiredService<MusicLibrary>().Current, CancellationToken.None);
        Assert.Equal(0, import.Removed);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/subsonic/servers/{id}/sync", null)).StatusCode);
        var second = await WaitForSyncAsync(admin, id);
        Assert.Equal("Done", State(second));
        Assert.Equal(server.Tracks, second.GetProperty("found").GetInt32());
        Assert.Equal(0, second.GetProperty("new").GetInt32());
        Assert.Equal(0, second.GetProperty("removed").GetInt32());
        Assert.Equal(0, second.GetProperty("tagged").GetInt32());
        Assert.Equal(server.Tracks, await StoredCountAsync(id, removed: false));
        Assert.Equal(0, await StoredCountAsync(id, removed: true));

        // Moods from features: with no curated playlist, happy picks a happy sketch and sad the sad one.
        var happy = JsonDocument.Parse(await user.GetStringAsync("/api/recommend?emotion=happy")).RootElement.GetProperty("tracks");
        var sad = JsonDocument.Parse(await user.GetStringAsync("/api/recommend?emotion=sad")).RootElement.GetProperty("tracks");
        output.WriteLine(happy[0].GetRawText());
        output.WriteLine(sad[0].GetRawText());
        Assert.Contains("Happy", happy[0].GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Contains("Sad", sad[0].GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal("Home", happy[0].GetProperty("source").GetString());

        // The player's URL is the app's stream endpoint, and it serves the server's file.
        var url = happy[0].GetProperty("url").GetString()!;
        Assert.StartsWith($"/api/subsonic/servers/{id}/songs/", url, StringComparison.Ordinal);
        using var audio = await user.GetAsync(url);
        var bytes = await audio.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Contains(Directory.GetFiles(server.MusicDir), f => File.ReadAllBytes(f).AsSpan().SequenceEqual(bytes));
    }

    [Fact]
    public async Task A_server_that_goes_down_keeps_its_songs_says_so_and_leaves_the_recommendations()
    {
        using var admin = factory.CreateClientFor(factory.Admin);
        using var user = factory.CreateClientFor(factory.User);
        var spare = new SupysonicServer();
        await spare.InitializeAsync();
        string id;
        string songUrl;
        try
        {
            id = await AddAsync(admin, "Spare", spare);
            Assert.Equal("Done", State(await WaitForSyncAsync(admin, id)));
            songUrl = factory.Services.GetRequiredService<IMusicLibrary>().Current.Tracks.First(t => t.Source == "Spare").PlaybackUrl!;
        }
        finally
        {
            await spare.DisposeAsync();
        }

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/subsonic/servers/{id}/sync", null)).StatusCode);
        var down = await WaitForSyncAsync(admin, id);
        var message = down.GetProperty("message").GetString()!;

        Assert.Equal("Failed", State(down));
        Assert.Contains("not reachable", message, StringComparison.Ordinal);
        Assert.Contains($"The {spare.Tracks} songs already synced from Spare are kept", message, StringComparison.Ordinal);
        Assert.Equal(spare.Tracks, await StoredCountAsync(id, removed: false));
        // Left out of the picks while it is down; streaming one of its songs is a clear 503.
        Assert.DoesNotContain(factory.Services.GetRequiredService<IMusicLibrary>().Current.Tracks, t => t.Source == "Spare");
        var picks = JsonDocument.Parse(await user.GetStringAsync("/api/recommend?emotion=happy")).RootElement.GetProperty("tracks");
        Assert.All(picks.EnumerateArray(), t => Assert.NotEqual("Spare", t.GetProperty("source").GetString()));
        using var stream = await user.GetAsync(songUrl);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stream.StatusCode);
        Assert.Contains("not reachable", await stream.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Removing the server takes its songs out of the library (kept in the database as removed).
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/subsonic/servers/{id}")).StatusCode);
        Assert.Equal(spare.Tracks, await StoredCountAsync(id, removed: true));
    }
}
