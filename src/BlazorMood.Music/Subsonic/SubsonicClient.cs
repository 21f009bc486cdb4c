using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Subsonic;

/// <summary>
/// A client for the Subsonic REST API (<c>/rest/*.view</c>, JSON responses): ping, music folders, albums, songs,
/// streaming with HTTP range requests (the response is handed back unread so the web host can proxy it) and cover
/// art. Sign-in follows the server: token and salt (<c>t = md5(password + salt)</c>, a new salt every request) for
/// API 1.13 and later, the hex-encoded password for older servers, chosen from the version <c>ping</c> reports.
/// </summary>
/// <remarks>
/// The MD5 token is the protocol's, not a choice: Subsonic defines it. The auth mode is remembered per server address
/// for the life of the client (a singleton), so each server is pinged once to learn it.
/// </remarks>
public sealed partial class SubsonicClient
{
    /// <summary>The API version this client speaks; servers answer in their own, older or newer.</summary>
    public const string ClientApiVersion = "1.16.1";

    public const string ClientName = "BlazorMood";

    private static readonly Version TokenAuthSince = new(1, 13, 0);

    private readonly HttpClient _http;
    private readonly ILogger<SubsonicClient> _logger;
    private readonly ConcurrentDictionary<string, SubsonicAuthMode> _authModes = new(StringComparer.Ordinal);

    public SubsonicClient(HttpClient http, ILogger<SubsonicClient> logger)
    {
        _http = http;
        _logger = logger;
    }

    /// <summary>Checks address and credentials; learns the API version and how to sign in.</summary>
    public async Task<SubsonicServerInfo> PingAsync(SubsonicConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Ask with a token first; every answer, even a refusal, names the server's API version, and an older server
        // (which rejects the token as a missing password) is asked again the way it understands.
        var (root, version, type) = await CallRawAsync(connection, "ping", [], SubsonicAuthMode.Token, cancellationToken);
        var mode = ParseVersion(version) >= TokenAuthSince ? SubsonicAuthMode.Token : SubsonicAuthMode.HexPassword;
        if (mode == SubsonicAuthMode.HexPassword)
        {
            (root, version, type) = await CallRawAsync(connection, "ping", [], mode, cancellationToken);
        }
        ThrowIfFailed(root, connection, "ping");
        _authModes[Key(connection)] = mode;
        LogPinged(_logger, connection.BaseUrl, version, type, mode);
        return new SubsonicServerInfo(version, type, mode);
    }

    public async Task<IReadOnlyList<SubsonicMusicFolder>> GetMusicFoldersAsync(SubsonicConnection connection, CancellationToken cancellationToken)
    {
        var root = await CallAsync(connection, "getMusicFolders", [], cancellationToken);
        return Items(root, "musicFolders", "musicFolder")
            .Select(f => new SubsonicMusicFolder(Str(f, "id")!, Str(f, "name") ?? "Music"))
            .ToList();
    }

    /// <summary>Albums by name (<c>getAlbumList2</c>, ID3 tags), a page at a time.</summary>
    public async Task<IReadOnlyList<SubsonicAlbum>> GetAlbumsAsync(SubsonicConnection connection, int size, int offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var root = await CallAsync(connection, "getAlbumList2",
            [("type", "alphabeticalByName"), ("size", Math.Min(size, 500).ToString(CultureInfo.InvariantCulture)), ("offset", offset.ToString(CultureInfo.InvariantCulture))],
            cancellationToken);
        return Items(root, "albumList2", "album").Select(Album).ToList();
    }

    /// <summary>One album and its songs (<c>getAlbum</c>).</summary>
    public async Task<(SubsonicAlbum Album, IReadOnlyList<SubsonicSong> Songs)> GetAlbumAsync(SubsonicConnection connection, string albumId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(albumId);
        var root = await CallAsync(connection, "getAlbum", [("id", albumId)], cancellationToken);
        var album = root.GetProperty("album");
        var songs = album.TryGetProperty("song", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(Song).ToList()
            : [];
        return (Album(album), songs);
    }

    /// <summary>
    /// Opens a song's audio (<c>stream</c>, original format: no transcoding) and returns the response with its body
    /// unread, headers and status included, so the caller can copy it to a player. <paramref name="range"/> is
    /// passed on as is: a server that honours it answers 206 with <c>Content-Range</c>. The caller disposes it.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(SubsonicConnection connection, string songId, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(songId);
        return await OpenBinaryAsync(connection, "stream", [("id", songId), ("format", "raw")], range, cancellationToken);
    }

    /// <summary>Cover art (<c>getCoverArt</c>); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenCoverArtAsync(SubsonicConnection connection, string coverArtId, int? size, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(coverArtId);
        List<(string, string)> args = [("id", coverArtId)];
        if (size is > 0)
        {
            args.Add(("size", size.Value.ToString(CultureInfo.InvariantCulture)));
        }
        return await OpenBinaryAsync(connection, "getCoverArt", args, null, cancellationToken);
    }

    private async Task<HttpResponseMessage> OpenBinaryAsync(SubsonicConnection connection, string method, IReadOnlyList<(string, string)> args, RangeHeaderValue? range, CancellationToken cancellationToken)
    {
        var mode = await AuthModeAsync(connection, cancellationToken);
        // f=json: the audio is unaffected, but an error comes back as JSON rather than the default XML.
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(connection, method, [.. args, ("f", "json")], mode));
        request.Headers.Range = range;
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(connection, ex);
        }
        // Errors come back as a Subsonic JSON (or XML) document instead of audio.
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        if (!response.IsSuccessStatusCode || type.Contains("json", StringComparison.OrdinalIgnoreCase) || type.Contains("xml", StringComparison.OrdinalIgnoreCase))
        {
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    throw new SubsonicException(SubsonicFailure.Refused, $"The requested range is outside the file on {connection.BaseUrl}.");
                }
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var root = Parse(body, connection, method);
                ThrowIfFailed(root, connection, method);
                throw new SubsonicException(SubsonicFailure.NotSubsonic, $"{connection.BaseUrl} answered {method} with {(int)response.StatusCode} and no audio.");
            }
        }
        return response;
    }

    private async Task<SubsonicAuthMode> AuthModeAsync(SubsonicConnection connection, CancellationToken cancellationToken) =>
        _authModes.TryGetValue(Key(connection), out var mode) ? mode : (await PingAsync(connection, cancellationToken)).AuthMode;

    private async Task<JsonElement> CallAsync(SubsonicConnection connection, string method, IReadOnlyList<(string, string)> args, CancellationToken cancellationToken)
    {
        var mode = await AuthModeAsync(connection, cancellationToken);
        var (root, _, _) = await CallRawAsync(connection, method, args, mode, cancellationToken);
        ThrowIfFailed(root, connection, method);
        return root;
    }

    private async Task<(JsonElement Root, string Version, string? Type)> CallRawAsync(SubsonicConnection connection, string method, IReadOnlyList<(string, string)> args,
        SubsonicAuthMode mode, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            using var response = await _http.GetAsync(Url(connection, method, [.. args, ("f", "json")], mode), cancellationToken);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode && !body.TrimStart().StartsWith('{'))
            {
                throw new SubsonicException(SubsonicFailure.NotSubsonic,
                    $"{connection.BaseUrl} answered {method} with HTTP {(int)response.StatusCode}: is this the address of a Subsonic server?");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(connection, ex);
        }
        var root = Parse(body, connection, method);
        return (root, Str(root, "version") ?? "0.0.0", Str(root, "type"));
    }

    private static JsonElement Parse(string body, SubsonicConnection connection, string method)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("subsonic-response", out var root))
            {
                return root.Clone();
            }
        }
        catch (JsonException)
        {
        }
        throw new SubsonicException(SubsonicFailure.NotSubsonic, $"{connection.BaseUrl} did not answer {method} like a Subsonic server (no subsonic-response).");
    }

    private static bool Failed(JsonElement root) => Str(root, "status") != "ok";

    private static void ThrowIfFailed(JsonElement root, SubsonicConnection connection, string method)
    {
        if (!Failed(root))
        {
            return;
        }
        var error = root.TryGetProperty("error", out var e) ? e : default;
        var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : (int?)null;
        var message = error.ValueKind == JsonValueKind.Object ? Str(error, "message") : null;
        var (failure, text) = code switch
        {
            40 => (SubsonicFailure.WrongCredentials, $"{connection.BaseUrl} rejected the user name or password for '{connection.Username}'."),
            41 => (SubsonicFailure.WrongCredentials, $"{connection.BaseUrl} does not accept token sign-in for '{connection.Username}'."),
            50 => (SubsonicFailure.Refused, $"'{connection.Username}' may not do that on {connection.BaseUrl} ({method})."),
            70 => (SubsonicFailure.NotFound, $"{connection.BaseUrl} has no such item ({method}: {message})."),
            _ => (SubsonicFailure.Refused, $"{connection.BaseUrl} refused {method}: {message ?? "no reason given"} (Subsonic error {code})."),
        };
        throw new SubsonicException(failure, text) { Code = code };
    }

    private static SubsonicException Unreachable(SubsonicConnection connection, Exception ex) =>
        new(SubsonicFailure.Unreachable, $"{connection.BaseUrl} is not reachable ({ex.Message.TrimEnd('.')}). Is the server running and the address right?", ex);

    private static Uri Url(SubsonicConnection connection, string method, IEnumerable<(string Name, string Value)> args, SubsonicAuthMode mode)
    {
        var sb = new StringBuilder(connection.BaseUrl.AbsoluteUri.TrimEnd('/')).Append("/rest/").Append(method).Append(".view?");
        var all = new List<(string, string)> { ("u", connection.Username), ("v", ClientApiVersion), ("c", ClientName) };
        if (mode == SubsonicAuthMode.Token)
        {
            var salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            all.Add(("t", Token(connection.Password, salt)));
            all.Add(("s", salt));
        }
        else
        {
            all.Add(("p", "enc:" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(connection.Password))));
        }
        all.AddRange(args);
        sb.AppendJoin('&', all.Select(a => Uri.EscapeDataString(a.Item1) + "=" + Uri.EscapeDataString(a.Item2)));
        return new Uri(sb.ToString());
    }

    /// <summary>The Subsonic token: lower-case hex MD5 of the password followed by the salt (UTF-8).</summary>
    public static string Token(string password, string salt)
    {
#pragma warning disable CA5351 // The Subsonic protocol defines the token as MD5; it is not our choice of hash.
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + salt)));
#pragma warning restore CA5351
    }

    private static Version ParseVersion(string version) => Version.TryParse(version, out var v) ? v : new Version(0, 0);

    private static string Key(SubsonicConnection connection) => connection.BaseUrl.AbsoluteUri + "\n" + connection.Username;

    private static IEnumerable<JsonElement> Items(JsonElement root, string container, string item) =>
        root.TryGetProperty(container, out var c) && c.TryGetProperty(item, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : [];

    private static SubsonicAlbum Album(JsonElement a) =>
        new(Str(a, "id")!, Str(a, "name") ?? Str(a, "title") ?? "Album", Str(a, "artist"), (int)(Num(a, "songCount") ?? 0), Num(a, "duration") ?? 0, Str(a, "coverArt"));

    private static SubsonicSong Song(JsonElement s) =>
        new(Str(s, "id")!, Str(s, "title") ?? "Track", Str(s, "artist"), Str(s, "album"), Num(s, "duration") ?? 0, Str(s, "contentType"), Str(s, "suffix"),
            Num(s, "size") is { } size ? (long)size : null, Str(s, "coverArt"));

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    private static double? Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Subsonic server {BaseUrl} speaks API {ApiVersion} ({ServerType}); signing in with {AuthMode}")]
    private static partial void LogPinged(ILogger logger, Uri baseUrl, string apiVersion, string? serverType, SubsonicAuthMode authMode);
}
