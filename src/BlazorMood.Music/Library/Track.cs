namespace BlazorMood.Music.Library;

/// <summary>One playable track of the library.</summary>
/// <param name="Id">Stable, URL-safe id derived from the playlist and file path (survives reloads).</param>
/// <param name="Playlist">Folder name of the playlist, e.g. <c>emotion_happy</c>.</param>
/// <param name="RelativePath">Path of the audio file relative to the library root, with forward slashes.</param>
/// <param name="FullPath">Absolute path of the audio file (after resolving links), for serving and analysis.</param>
/// <param name="DurationSeconds">From metadata.json (or analysis when that is missing).</param>
/// <param name="Features">Tempo, loudness and brightness when known (metadata.json <c>analysis</c> or <c>bpm</c>).</param>
public sealed record Track(
    string Id,
    string Playlist,
    string Title,
    string Artist,
    double DurationSeconds,
    string RelativePath,
    string FullPath,
    TrackFeatures Features)
{
    /// <summary>Free-form labels from metadata.json's <c>tags</c> (curation); a mood query naming one favours the track.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>An admin's tempo from metadata.json's <c>bpmOverride</c> (already in <see cref="Features"/>); null when none.</summary>
    public double? BpmOverride { get; init; }
}

/// <summary>Measured or declared audio features; every field may be unknown.</summary>
public sealed record TrackFeatures(double? Bpm, double? EnergyDb, double? BrightnessHz)
{
    public static TrackFeatures Unknown { get; } = new(null, null, null);
}

/// <summary>A playlist folder and its valid tracks, in metadata order.</summary>
public sealed record Playlist(string Name, IReadOnlyList<Track> Tracks);

/// <summary>Something wrong in the library that was skipped; safe to show to a user.</summary>
/// <param name="Playlist">Playlist folder, or null for problems of the library as a whole.</param>
/// <param name="Entry">Index of the bad entry in metadata.json, when the problem is one entry.</param>
/// <param name="Kind">Machine-readable kind.</param>
public sealed record LibraryProblem(string? Playlist, int? Entry, LibraryProblemKind Kind, string Message);

public enum LibraryProblemKind
{
    LibraryMissing,
    PlaylistMissing,
    MetadataMissing,
    MetadataTooLarge,
    BrokenJson,
    InvalidEntry,
    PathOutsideLibrary,
    FileMissing,
    DuplicateEntry,
}
