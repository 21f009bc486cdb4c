using BlazorMood.Media;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Subsonic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

using BlazorMood.Tests.Support;

namespace BlazorMood.Music.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
[Trait("Category", "Subsonic")]
public sealed class SubsonicTests : IClassFixture<SupysonicServer>, IDisposable
{
    private readonly SupysonicServer _server;
    private readonly ITestOutputHelper _output;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public SubsonicTests(SupysonicServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    public void Dispose() => _http.Dispose();

    private SubsonicConnection Conn => new(_server.Url, _server.User, _server.Password);

    private SubsonicClient NewClient() => new(_http, NullLogger<SubsonicClient>.Instance);

    [Fact]
    public void Token_is_md5_of_password_and_salt()
    {
        // The example of the Subsonic API documentation: password "sesame", salt "c19b2d".
        Assert.Equal("26719a1196d2a940705a59634eb18eab", SubsonicClient.Token("sesame", "c19b2d"));
    }

    [Fact]
    public async Task Ping_learns_the_servers_api_version_and_how_to_sign_in()
    {
        var info = await NewClient().PingAsync(Conn, CancellationToken.None);

        _output.WriteLine($"{info}");
        // supysonic speaks API 1.10.2, older than token sign-in (1.13): the client falls back to the encoded password.
        Assert.Equal("1.10.2", info.ApiVersion);
        Assert.Equal(SubsonicAuthMode.HexPassword, info.AuthMode);
    }

    [Fact]
    public async Task Browse_lists_the_folder_the_album_and_its_songs()
    {
        var client = NewClient();

        var folders = await client.GetMusicFoldersAsync(Conn, CancellationToken.None);
        var albums = await client.GetAlbumsAsync(Conn, 50, 0, CancellationToken.None);
        var (album, songs) = await client.GetAlbumAsync(Conn, albums[0].Id, CancellationToken.None);

        Assert.Single(folders);
        // The generated files carry no album tag; supysonic files them under its placeholder album.
        Assert.Equal(album.Name, Assert.Single(albums).Name);
        Assert.Equal(_server.Tracks, albums[0].SongCount);
        Assert.Equal(_server.Tracks, songs.Count);
        Assert.All(songs, s =>
        {
            Assert.Contains("[generated]", s.Title, StringComparison.Ordinal);
            Assert.Equal("BlazorMood Synth", s.Artist);
            Assert.InRange(s.DurationSeconds, 25, 40);
        });
    }

    private async Task<(SubsonicSong Song, byte[] File)> FirstSongAsync(SubsonicClient client)
    {
        var albums = await client.GetAlbumsAsync(Conn, 50, 0, CancellationToken.None);
        var (_, songs) = await client.GetAlbumAsync(Conn, albums[0].Id, CancellationToken.None);
        var song = songs.OrderBy(s => s.Title, StringComparer.Ordinal).First();
        // The file on the server's disk is the one whose tags carry this title.
        var number = Regex.Match(song.Title, @"Sketch (\d+)").Groups[1].Value;
        var mood = song.Title.Split(' ')[0].ToLowerInvariant();
        var file = await File.ReadAllBytesAsync(Path.Combine(_server.MusicDir, $"{mood}-0{number}.opus"));
        return (song, file);
    }

    [Fact]
    public async Task Stream_returns_the_original_file()
    {
        var client = NewClient();
        var (song, file) = await FirstSongAsync(client);

        using var response = await client.OpenStreamAsync(Conn, song.Id, null, CancellationToken.None);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SHA256.HashData(file), SHA256.HashData(bytes));
    }

    [Fact]
    public async Task Range_request_returns_exactly_that_slice()
    {
        var client = NewClient();
        var (song, file) = await FirstSongAsync(client);

        using var response = await client.OpenStreamAsync(Conn, song.Id, new RangeHeaderValue(1000, 1999), CancellationToken.None);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(1000, response.Content.Headers.ContentRange!.From);
        Assert.Equal(1999, response.Content.Headers.ContentRange!.To);
        Assert.Equal(file.Length, response.Content.Headers.ContentRange!.Length);
        Assert.Equal(file.AsSpan(1000, 1000).ToArray(), bytes);
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_error_without_the_password()
    {
        var wrong = Conn with { Password = "not-the-password" };

        var ex = await Assert.ThrowsAsync<SubsonicException>(() => NewClient().PingAsync(wrong, CancellationToken.None));

        _output.WriteLine(ex.Message);
        Assert.Equal(SubsonicFailure.WrongCredentials, ex.Failure);
        Assert.Equal(40, ex.Code);
        Assert.Contains("user name or password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Password, wrong.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_down_is_a_clear_error()
    {
        // A port nobody listens on: bind one, note it, release it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var down = Conn with { BaseUrl = new Uri($"http://127.0.0.1:{port}") };

        var ex = await Assert.ThrowsAsync<SubsonicException>(() => NewClient().PingAsync(down, CancellationToken.None));

        _output.WriteLine(ex.Message);
        Assert.Equal(SubsonicFailure.Unreachable, ex.Failure);
        Assert.Contains("not reachable", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_song_that_does_not_exist_is_not_found()
    {
        var ex = await Assert.ThrowsAsync<SubsonicException>(() => NewClient().OpenStreamAsync(Conn, "00000000-0000-0000-0000-000000000000", null, CancellationToken.None));

        _output.WriteLine(ex.Message);
        Assert.Equal(SubsonicFailure.NotFound, ex.Failure);
    }

    [Fact]
    public async Task A_streamed_song_is_tagged_like_a_local_track()
    {
        var client = NewClient();
        var (song, _) = await FirstSongAsync(client);
        var generatedBpm = double.Parse(Regex.Match(song.Title, @"\((\d+) BPM").Groups[1].Value, CultureInfo.InvariantCulture);
        using var analyzer = new AudioAnalyzer(Options.Create(new MusicOptions()), Options.Create(new FfmpegOptions()), NullLogger<AudioAnalyzer>.Instance);
        var tagger = new SubsonicTrackAnalyzer(client, analyzer, NullLogger<SubsonicTrackAnalyzer>.Instance);

        var f = await tagger.AnalyzeAsync(Conn, song, CancellationToken.None);

        _output.WriteLine($"{song.Title}: {f.Bpm} BPM, {f.LoudnessLufs} LUFS, {f.Key} {f.Mode}, valence {f.Valence}, arousal {f.Arousal}");
        Assert.InRange(f.Bpm!.Value, generatedBpm * 0.97, generatedBpm * 1.03);
        Assert.NotNull(f.LoudnessLufs);
        Assert.NotNull(f.Valence);
    }

    [Fact]
    public async Task Stored_servers_keep_the_password_only_protected()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bm-subsonic-store-{Guid.NewGuid():N}.json");
        try
        {
            using var store = new SubsonicServerStore(path, new ReversingProtector());
            var added = await store.AddAsync("Home", _server.Url, _server.User, _server.Password, CancellationToken.None);

            var text = await File.ReadAllTextAsync(path);
            Assert.DoesNotContain(_server.Password, text, StringComparison.Ordinal);
            var connection = await store.ConnectionAsync(added.Id, CancellationToken.None);
            var info = await NewClient().PingAsync(connection!, CancellationToken.None);
            Assert.Equal("1.10.2", info.ApiVersion);

            Assert.True(await store.RemoveAsync(added.Id, CancellationToken.None));
            Assert.Empty(await store.ListAsync(CancellationToken.None));
            await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync("Bad", new Uri("ftp://x"), "u", "p", CancellationToken.None));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Stands in for Data Protection (the web host's); reversible, and visibly not the plain text.</summary>
    private sealed class ReversingProtector : ISubsonicSecretProtector
    {
        public string Protect(string secret) => "p:" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret).Reverse().ToArray());

        public string Unprotect(string protectedSecret) =>
            System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(protectedSecret[2..]).Reverse().ToArray());
    }
}
