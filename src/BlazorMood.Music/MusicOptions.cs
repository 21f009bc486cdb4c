namespace BlazorMood.Music;

/// <summary>Settings of the music feature, bound from the <c>Music</c> configuration section.</summary>
public sealed class MusicOptions
{
    public const string SectionName = "Music";

    /// <summary>Folder holding <c>&lt;playlist&gt;/metadata.json</c>; relative paths are taken from the content root.</summary>
    public string LibraryPath { get; set; } = "playlists";

    /// <summary>Reload the library when files under <see cref="LibraryPath"/> change.</summary>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>Quiet time after the last file-system event before a reload (editors and copies fire bursts of events).</summary>
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(750);

    /// <summary>Largest metadata.json read; a bigger one is reported and skipped rather than loaded into memory.</summary>
    public long MaxMetadataBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>URL prefix the recommender puts before a track id (the web host serves the audio there).</summary>
    public string TrackUrlPrefix { get; set; } = "/api/tracks/";

    /// <summary>
    /// Loudness every track is normalised to for playback (EBU R128 integrated loudness). -16 LUFS is the usual
    /// target for streaming to phones and browsers (AES TD1004 recommends -16 to -20 for online audio; Spotify plays
    /// at -14, Apple Music at -16): loud enough without pushing quiet tracks into clipping.
    /// </summary>
    public double TargetLoudnessLufs { get; set; } = -16;

    public AudioAnalysisOptions Analysis { get; set; } = new();

    public RecommenderOptions Recommender { get; set; } = new();
}

/// <summary>How tracks are measured (where ffmpeg is and how long and how many may run: <c>Ffmpeg</c>).</summary>
public sealed class AudioAnalysisOptions
{
    /// <summary>Analysis stops after this much audio: tempo and loudness are stable well before the end of a song.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Centre of the tempo prior (a log-normal weight over BPM): most music lies within an octave of 120.</summary>
    public double TempoPriorBpm { get; set; } = 120;

    /// <summary>Width of the tempo prior in octaves.</summary>
    public double TempoPriorOctaves { get; set; } = 1.0;
}

/// <summary>Recommender behaviour.</summary>
public sealed class RecommenderOptions
{
    /// <summary>An emotion observed at most this long ago (inclusive) drives the baseline rule.</summary>
    public TimeSpan EmotionWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Tracks returned per recommendation.</summary>
    public int QueueLength { get; set; } = 10;

    /// <summary>A track played within this many last plays is not recommended again (if anything else fits).</summary>
    public int NoRepeatWithin { get; set; } = 10;

    /// <summary>Context mode: best-scoring tracks that go on to the like/skip (Thompson sampling) stage.</summary>
    public int CandidatePool { get; set; } = 50;

    /// <summary>Context mode: the most weight of the sampled like probability against the content score (0..1 each); a track's share grows with its likes and skips.</summary>
    public double FeedbackWeight { get; set; } = 0.5;

    /// <summary>Users whose context and feedback are kept in memory; the least recently active are dropped beyond it.</summary>
    public int MaxUsers { get; set; } = 10_000;

    /// <summary>Seed for the sampling RNG; null uses a shared random source. Set it in tests for repeatable runs.</summary>
    public int? RandomSeed { get; set; }
}
