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

    /// <summary>
    /// Where a player fetches the audio when the track is not a file of the library (a song of a Subsonic server,
    /// streamed through the app); null for library files, which are served by their id.
    /// </summary>
    public string? PlaybackUrl { get; init; }

    /// <summary>The server the track comes from, in words a listener knows (the name an admin gave it); null for library files.</summary>
    public string? Source { get; init; }
}

/// <summary>Measured or declared audio features; every field may be unknown.</summary>
public sealed record TrackFeatures(double? Bpm, double? EnergyDb, double? BrightnessHz)
{
    public static TrackFeatures Unknown { get; } = new(null, null, null);

    /// <summary>Integrated loudness (EBU R128); the player's gain is <see cref="PlaybackGainDb"/>.</summary>
    public double? LoudnessLufs { get; init; }

    /// <summary>Tonic of the measured key (C … B).</summary>
    public string? Key { get; init; }

    /// <summary><c>major</c> or <c>minor</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>Note and drum attacks per second.</summary>
    public double? OnsetsPerSecond { get; init; }

    /// <summary>Valence 0..1 estimated from the audio (<c>MoodEstimator</c>); null when not measured.</summary>
    public double? Valence { get; init; }

    /// <summary>Arousal 0..1 estimated from the audio; null when not measured.</summary>
    public double? Arousal { get; init; }

    /// <summary>
    /// The gain that brings this track to <paramref name="targetLufs"/>, clamped to ±<paramref name="maxDb"/> so a
    /// mis-measured track is never blasted; null when the loudness is unknown.
    /// </summary>
    public double? PlaybackGainDb(double targetLufs, double maxDb = 12) =>
        LoudnessLufs is { } lufs ? Math.Round(Math.Clamp(targetLufs - lufs, -maxDb, maxDb), 1) : null;

    /// <summary>These features with every unknown field filled from <paramref name="other"/>.</summary>
    public TrackFeatures FillFrom(TrackFeatures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new TrackFeatures(Bpm ?? other.Bpm, EnergyDb ?? other.EnergyDb, BrightnessHz ?? other.BrightnessHz)
        {
            LoudnessLufs = LoudnessLufs ?? other.LoudnessLufs,
            Key = Key ?? other.Key,
            Mode = Mode ?? other.Mode,
            OnsetsPerSecond = OnsetsPerSecond ?? other.OnsetsPerSecond,
            Valence = Valence ?? other.Valence,
            Arousal = Arousal ?? other.Arousal,
        };
    }
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
