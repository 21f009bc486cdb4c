namespace BlazorMood.Data.Music;

/// <summary>A playlist folder as last imported from the music library.</summary>
public sealed class PlaylistRecord
{
    public const int MaxNameLength = 128;

    /// <summary>Folder name, e.g. <c>emotion_happy</c>; the library's key for a playlist.</summary>
    public required string Name { get; set; }

    /// <summary>True when the folder is no longer in the library (its tracks are marked removed too).</summary>
    public bool Removed { get; set; }

    public DateTime FirstSeenUtc { get; set; }

    public DateTime LastSeenUtc { get; set; }

    public List<TrackRecord> Tracks { get; } = [];
}

/// <summary>
/// One library track. Rows are never deleted: a track whose file or entry disappears is marked <see cref="Removed"/>,
/// so feedback and play history keep pointing at something, and it comes back as it was when the file returns.
/// </summary>
public sealed class TrackRecord
{
    public const int MaxIdLength = 64;
    public const int MaxTextLength = 512;
    public const int MaxPathLength = 1024;
    public const int MaxErrorLength = 1024;
    public const int MaxWorkerIdLength = 128;
    public const int MaxKeyLength = 2;
    public const int MaxModeLength = 5;

    /// <summary>The library's stable id (<c>PlaylistLoader.MakeId</c> of the relative path).</summary>
    public required string Id { get; set; }

    public required string PlaylistName { get; set; }

    public PlaylistRecord? Playlist { get; set; }

    public required string Title { get; set; }

    public required string Artist { get; set; }

    public double DurationSeconds { get; set; }

    /// <summary>Audio file relative to the library root, forward slashes.</summary>
    public required string RelativePath { get; set; }

    /// <summary>Effective tempo: declared in metadata.json, else measured.</summary>
    public double? Bpm { get; set; }

    /// <summary>Effective RMS loudness in dBFS: declared, else measured.</summary>
    public double? EnergyDb { get; set; }

    /// <summary>Effective spectral centroid in Hz: declared, else measured.</summary>
    public double? BrightnessHz { get; set; }

    /// <summary>What <c>AudioAnalyzer</c> measured, kept apart from the declared values so editing metadata.json never loses it.</summary>
    public double? MeasuredBpm { get; set; }

    public double? MeasuredEnergyDb { get; set; }

    public double? MeasuredBrightnessHz { get; set; }

    public double? TempoConfidence { get; set; }

    /// <summary>Measured EBU R128 integrated loudness.</summary>
    public double? MeasuredLoudnessLufs { get; set; }

    /// <summary>Measured key tonic (C … B) and mode (major/minor).</summary>
    public string? MeasuredKey { get; set; }

    public string? MeasuredMode { get; set; }

    public double? MeasuredOnsetsPerSecond { get; set; }

    /// <summary>Valence/arousal estimated from the measured features (<c>MoodEstimator</c>).</summary>
    public double? MeasuredValence { get; set; }

    public double? MeasuredArousal { get; set; }

    /// <summary>When the audio file was last measured; null when never (declared features need no analysis).</summary>
    public DateTime? AnalyzedAtUtc { get; set; }

    /// <summary>Why the last analysis failed; such a track is not retried until its file changes or comes back.</summary>
    public string? AnalysisError { get; set; }

    /// <summary>
    /// The analysis worker measuring this track right now (node, process and a random part); null when nobody is.
    /// Workers on several nodes share one database: only the one whose conditional UPDATE set this analyses the track.
    /// </summary>
    public string? AnalysisWorkerId { get; set; }

    /// <summary>Until when <see cref="AnalysisWorkerId"/> holds the track; the holder renews it while decoding, and once it passes (a dead worker) another worker may take the track.</summary>
    public DateTime? AnalysisLeaseExpiresUtc { get; set; }

    /// <summary>File size and modification time at import: a change means the measured features are stale.</summary>
    public long? FileSize { get; set; }

    public DateTime? FileModifiedUtc { get; set; }

    public bool Removed { get; set; }

    public DateTime? RemovedAtUtc { get; set; }

    public DateTime FirstSeenUtc { get; set; }

    public DateTime LastSeenUtc { get; set; }

    /// <summary>True when a background analysis should measure this track.</summary>
    public bool NeedsAnalysis => !Removed && AnalyzedAtUtc is null && AnalysisError is null && (Bpm is null || EnergyDb is null || BrightnessHz is null);
}

/// <summary>A problem the last import skipped (a bad entry, broken JSON, a missing file), kept for display and diagnosis.</summary>
public sealed class LibraryProblemRecord
{
    public const int MaxKindLength = 32;
    public const int MaxMessageLength = 2048;

    public long Id { get; set; }

    public string? Playlist { get; set; }

    public int? Entry { get; set; }

    public required string Kind { get; set; }

    public required string Message { get; set; }

    public DateTime DetectedAtUtc { get; set; }
}
