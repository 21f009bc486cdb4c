namespace BlazorMood.Music.Subsonic;

/// <summary>Where and as whom to reach a Subsonic-compatible server (Navidrome, Airsonic, Gonic, supysonic …).</summary>
/// <param name="BaseUrl">The server's root, e.g. <c>https://music.example.org</c>; the API lives under <c>/rest/</c>.</param>
public sealed record SubsonicConnection(Uri BaseUrl, string Username, string Password)
{
    /// <summary>Never prints the password (records print every member by default).</summary>
    public override string ToString() => $"{Username}@{BaseUrl}";
}

/// <summary>What <c>ping</c> found: the API version the server speaks and how the client signs in to it.</summary>
public sealed record SubsonicServerInfo(string ApiVersion, string? ServerType, SubsonicAuthMode AuthMode);

/// <summary>How requests carry the password.</summary>
public enum SubsonicAuthMode
{
    /// <summary>API 1.13+: <c>t = md5(password + salt)</c> and <c>s = salt</c>, a fresh salt per request; the password never travels.</summary>
    Token,

    /// <summary>Older servers (supysonic speaks 1.10.2): <c>p = enc:&lt;hex&gt;</c>. Hex is not encryption: use HTTPS.</summary>
    HexPassword,
}

public sealed record SubsonicMusicFolder(string Id, string Name);

public sealed record SubsonicAlbum(string Id, string Name, string? Artist, int SongCount, double DurationSeconds, string? CoverArt);

public sealed record SubsonicSong(
    string Id,
    string Title,
    string? Artist,
    string? Album,
    double DurationSeconds,
    string? ContentType,
    string? Suffix,
    long? Size,
    string? CoverArt);

/// <summary>Why a Subsonic call failed, in words a person can act on.</summary>
public enum SubsonicFailure
{
    /// <summary>Subsonic error 40: the user name or password is wrong.</summary>
    WrongCredentials,

    /// <summary>No answer: the server is down, the address is wrong, or it timed out.</summary>
    Unreachable,

    /// <summary>Subsonic error 70: the album, song or cover does not exist.</summary>
    NotFound,

    /// <summary>Error 50 or another refusal by the server.</summary>
    Refused,

    /// <summary>The server answered with something that is not a Subsonic response.</summary>
    NotSubsonic,
}

/// <summary>A failed Subsonic call; <see cref="Exception.Message"/> is safe to show (it never contains the password).</summary>
public sealed class SubsonicException : Exception
{
    public SubsonicException()
    {
    }

    public SubsonicException(string message) : base(message)
    {
    }

    public SubsonicException(string message, Exception inner) : base(message, inner)
    {
    }

    public SubsonicException(SubsonicFailure failure, string message, Exception? inner = null) : base(message, inner) => Failure = failure;

    public SubsonicFailure Failure { get; }

    /// <summary>The Subsonic error code, when the server sent one.</summary>
    public int? Code { get; init; }
}
