namespace BlazorMood.Music.Library;

/// <summary>
/// An immutable view of the library at one load. Readers keep the instance they got, so a reload never changes a
/// list under a running recommendation.
/// </summary>
public sealed class LibrarySnapshot
{
    private readonly Dictionary<string, Track> _byId;
    private readonly Dictionary<string, Playlist> _byName;

    public LibrarySnapshot(string rootPath, IReadOnlyList<Playlist> playlists, IReadOnlyList<LibraryProblem> problems, DateTimeOffset loadedAt)
    {
        RootPath = rootPath;
        Playlists = playlists;
        Problems = problems;
        LoadedAt = loadedAt;
        _byName = playlists.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var tracks = new List<Track>();
        _byId = new Dictionary<string, Track>(StringComparer.Ordinal);
        foreach (var track in playlists.SelectMany(p => p.Tracks))
        {
            // The loader already drops duplicates; TryAdd keeps the snapshot valid if a caller builds one by hand.
            if (_byId.TryAdd(track.Id, track))
            {
                tracks.Add(track);
            }
        }
        Tracks = tracks;
    }

    public static LibrarySnapshot Empty(string rootPath, DateTimeOffset at) => new(rootPath, [], [], at);

    /// <summary>Absolute library root.</summary>
    public string RootPath { get; }

    public IReadOnlyList<Playlist> Playlists { get; }

    /// <summary>All tracks of all playlists (a track belongs to exactly one playlist).</summary>
    public IReadOnlyList<Track> Tracks { get; }

    public IReadOnlyList<LibraryProblem> Problems { get; }

    public DateTimeOffset LoadedAt { get; }

    public Track? FindTrack(string id) => _byId.GetValueOrDefault(id);

    public Playlist? FindPlaylist(string name) => _byName.GetValueOrDefault(name);
}
