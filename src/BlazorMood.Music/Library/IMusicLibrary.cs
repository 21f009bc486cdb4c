namespace BlazorMood.Music.Library;

/// <summary>The current music library; reloaded when its files change.</summary>
public interface IMusicLibrary
{
    /// <summary>The latest loaded snapshot (loads on first use).</summary>
    LibrarySnapshot Current { get; }

    /// <summary>Raised after every reload, with the new snapshot (on a thread-pool thread).</summary>
    event EventHandler<LibrarySnapshot>? Reloaded;

    /// <summary>Reloads now, regardless of the watcher.</summary>
    Task<LibrarySnapshot> ReloadAsync(CancellationToken cancellationToken = default);
}
