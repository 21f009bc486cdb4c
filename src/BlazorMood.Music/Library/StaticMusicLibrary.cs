namespace BlazorMood.Music.Library;

/// <summary>
/// A library held in memory that never changes: for generated libraries (benchmarks, simulations, tests)
/// where no folder on disk backs the tracks.
/// </summary>
public sealed class StaticMusicLibrary(LibrarySnapshot snapshot) : IMusicLibrary
{
    public LibrarySnapshot Current { get; } = snapshot;

    // Never raised: the snapshot is fixed.
    public event EventHandler<LibrarySnapshot>? Reloaded
    {
        add { }
        remove { }
    }

    public Task<LibrarySnapshot> ReloadAsync(CancellationToken cancellationToken = default) => Task.FromResult(Current);

    /// <summary>A library of the given (playlist, title, bpm) tracks; files are not expected to exist.</summary>
    public static StaticMusicLibrary Of(IEnumerable<(string Playlist, string Title, double? Bpm)> tracks)
    {
        var playlists = tracks
            .GroupBy(t => t.Playlist)
            .Select(g => new Playlist(g.Key, g.Select(t =>
            {
                var rel = $"{t.Playlist}/{t.Title}.opus";
                return new Track(PlaylistLoader.MakeId(rel), t.Playlist, t.Title, "Generated", 30, rel, "/dev/null/" + rel, new TrackFeatures(t.Bpm, null, null));
            }).ToList()))
            .ToList();
        return new StaticMusicLibrary(new LibrarySnapshot("/generated", playlists, [], DateTimeOffset.UnixEpoch));
    }
}
