namespace BlazorMood.Data.Music;

/// <summary>How the music library and feedback are persisted, bound from <c>Data:Music</c>.</summary>
public sealed class MusicPersistenceOptions
{
    public const string SectionName = "Data:Music";

    /// <summary>Measure tracks without stored features in the background (one ffmpeg at a time).</summary>
    public bool AnalyzeInBackground { get; set; } = true;

    /// <summary>
    /// How long a worker's claim on a track lasts without renewal. The holder renews it every third of this while
    /// ffmpeg decodes, so a slow file keeps its claim; a worker that died holding a track releases it after this long.
    /// </summary>
    public TimeSpan AnalysisLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often the worker looks for tracks to analyse even without a library import on its own node: tracks another
    /// node imported, and claims of dead workers that have expired.
    /// </summary>
    public TimeSpan AnalysisRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Feedback and play rows waiting for the database; beyond it new rows are dropped (and logged), never the request blocked.</summary>
    public int WriteQueueCapacity { get; set; } = 10_000;

    /// <summary>Most recent plays replayed into memory at start-up (they feed only the short no-repeat window).</summary>
    public int MaxPlaysLoaded { get; set; } = 20_000;
}
