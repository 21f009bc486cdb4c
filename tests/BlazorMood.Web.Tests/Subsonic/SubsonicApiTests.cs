using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using BlazorMood.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.Subsonic;

/// <summary>A host whose Subsonic server list lives in a temporary file.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Trait("Category", "Subsonic")]
public sealed class SubsonicWebFactory : BlazorMoodWebFactory
{
    public SubsonicWebFactory()
        : base(new Dictionary<string, string?> { ["Music:Subsonic:ServersPath"] = Path.Combine(Path.GetTempPath(), $"bm-subsonic-servers-{Guid.NewGuid():N}.json") })
    {
    }
}

/// <summary>
/// <c>/api/subsonic</c> on the real host against a real Subsonic server (supysonic on loopback): an admin adds it
/// (tested first), a user browses and streams through the app with range requests, and a wrong password or a server
/// that is down is a clear error while the local library keeps answering.
/// </summary>
public sealed class SubsonicApiTests(SubsonicWebFactory factory, SupysonicServer server, ITestOutputHelper output)
    : IClassFixture<SubsonicWebFactory>, IClassFixture<SupysonicServer>
{
    private async Task<string> AddAsync(HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api/subsonic/servers", new { name = "Home", baseUrl = server.Url.AbsoluteUri, username = server.User, password = server.Password });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Admin_adds_a_server_and_a_user_browses_and_streams_it_with_ranges()
    {
        using var admin = factory.CreateClientFor(factory.Admin);
        using var user = factory.CreateClientFor(factory.User);
        var id = await AddAsync(admin);

        var listed = await admin.GetStringAsync("/api/subsonic/servers");
        Assert.DoesNotContain(server.Password, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, await File.ReadAllTextAsync(factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BlazorMood.Hosting.Subsonic.SubsonicSourceOptions>>().Value.ServersPath), StringComparison.Ordinal);

        var albums = JsonDocument.Parse(await user.GetStringAsync($"/api/subsonic/servers/{id}/albums")).RootElement;
        var albumId = albums[0].GetProperty("id").GetString();
        var album = JsonDocument.Parse(await user.GetStringAsync($"/api/subsonic/servers/{id}/albums/{albumId}")).RootElement;
        var songs = album.GetProperty("songs");
        Assert.Equal(server.Tracks, songs.GetArrayLength());
        var songId = songs[0].GetProperty("id").GetString();

        using var whole = await user.GetAsync($"/api/subsonic/servers/{id}/songs/{songId}/stream");
        var all = await whole.Content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/subsonic/servers/{id}/songs/{songId}/stream");
        request.Headers.Range = new RangeHeaderValue(500, 1499);
        using var partial = await user.SendAsync(request);
        var slice = await partial.Content.ReadAsByteArrayAsync();

        output.WriteLine($"{all.Length} bytes, {whole.Content.Headers.ContentType}; range → {(int)partial.StatusCode} {partial.Content.Headers.ContentRange}");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Contains(Directory.GetFiles(server.MusicDir), f => File.ReadAllBytes(f).AsSpan().SequenceEqual(all));
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes 500-1499/{all.Length}", partial.Content.Headers.ContentRange!.ToString());
        Assert.Equal(all.AsSpan(500, 1000).ToArray(), slice);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/subsonic/servers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await user.GetAsync($"/api/subsonic/servers/{id}/albums")).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_and_a_server_that_is_down_are_refused_with_clear_messages_and_local_music_still_plays()
    {
        using var admin = factory.CreateClientFor(factory.Admin);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var wrong = await admin.PostAsJsonAsync("/api/subsonic/servers", new { name = "Home", baseUrl = server.Url.AbsoluteUri, username = server.User, password = "wrong-password" });
        var down = await admin.PostAsJsonAsync("/api/subsonic/servers", new { name = "Gone", baseUrl = $"http://127.0.0.1:{port}", username = "u", password = "p" });
        var wrongBody = await wrong.Content.ReadAsStringAsync();
        var downBody = await down.Content.ReadAsStringAsync();
        output.WriteLine(wrongBody);
        output.WriteLine(downBody);

        Assert.Equal(HttpStatusCode.BadGateway, wrong.StatusCode);
        Assert.Contains("Wrong user name or password", wrongBody, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", wrongBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("not reachable", downBody, StringComparison.Ordinal);
        // Nothing was stored, and the local library still answers.
        Assert.DoesNotContain("Gone", await admin.GetStringAsync("/api/subsonic/servers"), StringComparison.Ordinal);
        var recommend = JsonDocument.Parse(await admin.GetStringAsync("/api/recommend?emotion=happy")).RootElement;
        Assert.True(recommend.GetProperty("tracks").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Only_admins_manage_servers()
    {
        using var user = factory.CreateClientFor(factory.User);
        using var anonymous = factory.CreateAnonymousClient();

        var add = await user.PostAsJsonAsync("/api/subsonic/servers", new { name = "x", baseUrl = server.Url.AbsoluteUri, username = server.User, password = server.Password });

        Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/subsonic/servers")).StatusCode);
    }
}
