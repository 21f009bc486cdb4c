using System.Collections.Immutable;
using BlazorMood.Music.Library;

namespace BlazorMood.Data.Music;

/// <summary>How Subsonic songs are kept in the <c>Tracks</c> table, next to the library's files.</summary>
public static class SubsonicTrackPaths
{
    /// <summary>A Subsonic song's <see cref="TrackRecord.RelativePath"/> starts with this: <c>subsonic://&lt;server id&gt;/&lt;song id&gt;</c>.</summary>
    public const string Scheme = "subsonic://";

    /// <summary>The <see cref="PlaylistRecord"/> holding one server's songs is named this plus the server id.</summary>
    public const string PlaylistPrefix = "subsonic:";

    /// <summary>The app's stream endpoint (range requests, the password stays on the server side).</summary>
    public const string StreamApiBase = "/api/subsonic/servers/";

    /// <summary>
    /// A song that waits for the Subsonic sync to tag it. Stored as the analysis error so the library's file analysis
    /// worker (which only takes tracks without one) never picks it up: it has no file to read.
    /// </summary>
    public const string AwaitingTagging = "Waiting to be tagged by the Subsonic sync.";

    public static string RelativePath(string serverId, string songId) => Scheme + serverId + "/" + Uri.EscapeDataString(songId);

    public static string PlaylistName(string serverId) => PlaylistPrefix + serverId;

    /// <summary>Stable and of the same form as a file track's id (16 hex digits), so feedback and the API accept it.</summary>
    public static string TrackId(string serverId, string songId) => PlaylistLoader.MakeId(RelativePath(serverId, songId));

    public static string StreamUrl(string serverId, string songId) =>
        StreamApiBase + Uri.EscapeDataString(serverId) + "/songs/" + Uri.EscapeDataString(songId) + "/stream";

    /// <summary>The song id back from a stored path; null when the path is not this server's.</summary>
    public static string? SongId(string serverId, string relativePath)
    {
        var prefix = Scheme + serverId + "/";
        return relativePath.StartsWith(prefix, StringComparison.Ordinal) ? Uri.UnescapeDataString(relativePath[prefix.Length..]) : null;
    }
}

/// <summary>
/// The Subsonic songs the recommender sees, in memory, one playlist per server (named after it), kept by
/// <see cref="SubsonicLibrarySync"/> on every node (from the database at start, after a sync here, and when another
/// node says a server's songs changed: <see cref="SubsonicLibraryChanged"/>). A server that failed to answer (a sync, or a stream the player asked for) is
/// left out for <see cref="SubsonicSyncOptions.UnreachableRetryAfter"/>, so the player moves on to other music instead
/// of picking its songs again; its songs stay stored and come back when it answers.
/// </summary>
public sealed class SubsonicTrackCatalog
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _retryAfter;
    private ImmutableDictionary<string, Playlist> _servers = ImmutableDictionary<string, Playlist>.Empty;
    private ImmutableDictionary<string, DateTimeOffset> _unreachableUntil = ImmutableDictionary<string, DateTimeOffset>.Empty;
    private long _version;

    public SubsonicTrackCatalog(TimeProvider time, Microsoft.Extensions.Options.IOptions<SubsonicSyncOptions> options)
    {
        _time = time;
        _retryAfter = options.Value.UnreachableRetryAfter;
    }

    /// <summary>Changes with every change of what <see cref="Playlists"/> returns.</summary>
    public long Version
    {
        get
        {
            ExpireUnreachable();
            return Volatile.Read(ref _version);
        }
    }

    /// <summary>The playlists of the servers that answer, in server-id order.</summary>
    public IReadOnlyList<Playlist> Playlists()
    {
        ExpireUnreachable();
        var servers = Volatile.Read(ref _servers);
        var down = Volatile.Read(ref _unreachableUntil);
        return servers.Where(s => !down.ContainsKey(s.Key) && s.Value.Tracks.Count > 0).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value).ToList();
    }

    /// <summary>The servers that have songs here.</summary>
    public IReadOnlyCollection<string> ServerIds => Volatile.Read(ref _servers).Keys.ToList();

    /// <summary>Every stored song of <paramref name="serverId"/>, reachable or not.</summary>
    public IReadOnlyList<Track> TracksOf(string serverId) => Volatile.Read(ref _servers).GetValueOrDefault(serverId)?.Tracks ?? [];

    public bool IsUnreachable(string serverId)
    {
        ExpireUnreachable();
        return Volatile.Read(ref _unreachableUntil).ContainsKey(serverId);
    }

    /// <summary>Sets a server's songs (after a sync, or the start-up load).</summary>
    public void Replace(string serverId, Playlist playlist)
    {
        lock (_gate)
        {
            Volatile.Write(ref _servers, _servers.SetItem(serverId, playlist));
            Interlocked.Increment(ref _version);
        }
    }

    public void Remove(string serverId)
    {
        lock (_gate)
        {
            Volatile.Write(ref _servers, _servers.Remove(serverId));
            Volatile.Write(ref _unreachableUntil, _unreachableUntil.Remove(serverId));
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>The server did not answer: its songs are left out until the retry time passes or it answers again.</summary>
    public void MarkUnreachable(string serverId)
    {
        lock (_gate)
        {
            var was = _unreachableUntil.ContainsKey(serverId);
            Volatile.Write(ref _unreachableUntil, _unreachableUntil.SetItem(serverId, _time.GetUtcNow() + _retryAfter));
            if (!was)
            {
                Interlocked.Increment(ref _version);
            }
        }
    }

    public void MarkReachable(string serverId)
    {
        lock (_gate)
        {
            if (_unreachableUntil.ContainsKey(serverId))
            {
                Volatile.Write(ref _unreachableUntil, _unreachableUntil.Remove(serverId));
                Interlocked.Increment(ref _version);
            }
        }
    }

    private void ExpireUnreachable()
    {
        var down = Volatile.Read(ref _unreachableUntil);
        if (down.IsEmpty)
        {
            return;
        }
        var now = _time.GetUtcNow();
        if (down.Values.All(until => until > now))
        {
            return;
        }
        lock (_gate)
        {
            var kept = _unreachableUntil.Where(kv => kv.Value > now).ToImmutableDictionary();
            if (kept.Count != _unreachableUntil.Count)
            {
                Volatile.Write(ref _unreachableUntil, kept);
                Interlocked.Increment(ref _version);
            }
        }
    }
}
