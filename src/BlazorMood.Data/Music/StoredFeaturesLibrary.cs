using BlazorMood.Music.Library;

namespace BlazorMood.Data.Music;

/// <summary>
/// The music library as the recommender and the API should see it: the file library's snapshot with each track's
/// unknown features filled from the database (what background analysis measured). The merged snapshot is rebuilt only
/// when the file snapshot or the stored features change, so <see cref="Current"/> stays two reads and a compare on
/// the request path, and the recommender's per-snapshot index is rebuilt only then too.
/// </summary>
public sealed class StoredFeaturesLibrary : IMusicLibrary
{
    private readonly IMusicLibrary _files;
    private readonly StoredTrackFeatures _features;
    private readonly SubsonicTrackCatalog? _remote;
    private Merged? _merged;

    /// <param name="remote">Songs of Subsonic servers, added as one playlist per server that answers; null for files only.</param>
    public StoredFeaturesLibrary(IMusicLibrary files, StoredTrackFeatures features, SubsonicTrackCatalog? remote = null)
    {
        _files = files;
        _features = features;
        _remote = remote;
        // Both are singletons with the same lifetime, so this subscription never outlives either.
        _files.Reloaded += (_, snapshot) => Reloaded?.Invoke(this, MergedFor(snapshot));
    }

    public LibrarySnapshot Current => MergedFor(_files.Current);

    /// <summary>Raised after each file reload with the merged snapshot, like <see cref="Current"/>.</summary>
    public event EventHandler<LibrarySnapshot>? Reloaded;

    public async Task<LibrarySnapshot> ReloadAsync(CancellationToken cancellationToken = default) =>
        MergedFor(await _files.ReloadAsync(cancellationToken));

    private LibrarySnapshot MergedFor(LibrarySnapshot files)
    {
        var version = _features.Version;
        var remoteVersion = _remote?.Version ?? 0;
        var merged = Volatile.Read(ref _merged);
        if (merged is not null && ReferenceEquals(merged.Files, files) && merged.Version == version && merged.RemoteVersion == remoteVersion)
        {
            return merged.Snapshot;
        }
        // Racing requests may both build it; the results are equal and the last one wins.
        var playlists = files.Playlists
            .Select(p => p with { Tracks = p.Tracks.Select(Enrich).ToList() })
            .ToList();
        if (_remote is not null)
        {
            var names = playlists.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var remote in _remote.Playlists())
            {
                // A folder or another server of the same name keeps its own; this one is told apart by a number.
                var name = remote.Name;
                for (var n = 2; !names.Add(name); n++)
                {
                    name = $"{remote.Name} {n}";
                }
                playlists.Add(new Playlist(name, remote.Tracks.Select(t => Enrich(name == remote.Name ? t : t with { Playlist = name })).ToList()));
            }
        }
        var snapshot = new LibrarySnapshot(files.RootPath, playlists, files.Problems, files.LoadedAt);
        Volatile.Write(ref _merged, new Merged(files, version, remoteVersion, snapshot));
        return snapshot;
    }

    private Track Enrich(Track track)
    {
        if (_features.Find(track.Id) is not { } stored)
        {
            return track;
        }
        // metadata.json's declared values win; the database fills in what it lacks.
        var f = track.Features;
        var features = f.FillFrom(stored);
        return features == f ? track : track with { Features = features };
    }

    private sealed record Merged(LibrarySnapshot Files, long Version, long RemoteVersion, LibrarySnapshot Snapshot);
}
