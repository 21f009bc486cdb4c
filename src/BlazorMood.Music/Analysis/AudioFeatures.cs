namespace BlazorMood.Music.Analysis;

/// <summary>What <see cref="AudioAnalyzer"/> measures for one track.</summary>
/// <param name="DurationSeconds">Decoded length (of the analysed part when <see cref="AudioAnalysisOptions.MaxDuration"/> cut it).</param>
/// <param name="Bpm">Estimated tempo; null when the track has no detectable pulse (silence, too short).</param>
/// <param name="TempoConfidence">0..1: how clearly the chosen tempo stood out of the periodicity function.</param>
/// <param name="EnergyDb">RMS loudness in dBFS (0 = full-scale square wave; silence is -inf, reported as -120).</param>
/// <param name="BrightnessHz">Energy-weighted mean spectral centroid.</param>
public sealed record AudioFeatures(double DurationSeconds, double? Bpm, double TempoConfidence, double EnergyDb, double BrightnessHz)
{
    /// <summary>Integrated loudness (EBU R128 / ITU-R BS.1770, measured by ffmpeg's <c>ebur128</c> filter on the original channels); null for in-memory analysis or silence.</summary>
    public double? LoudnessLufs { get; init; }

    /// <summary>Tonic of the estimated key (C, C#, … B); null when the music is not clearly tonal.</summary>
    public string? Key { get; init; }

    /// <summary><c>major</c> or <c>minor</c>, with <see cref="Key"/>.</summary>
    public string? Mode { get; init; }

    /// <summary>How well the key profile fitted (correlation, 0.3..1 when a key was named).</summary>
    public double? KeyClarity { get; init; }

    /// <summary>Best major minus best minor key-profile correlation: the strength of the mode.</summary>
    public double? ModeContrast { get; init; }

    /// <summary>Note and drum attacks per second.</summary>
    public double? OnsetsPerSecond { get; init; }

    /// <summary>Estimated valence 0 (unpleasant) .. 1 (pleasant), see <see cref="MoodEstimator"/>.</summary>
    public double? Valence { get; init; }

    /// <summary>Estimated arousal 0 (calm) .. 1 (excited), see <see cref="MoodEstimator"/>.</summary>
    public double? Arousal { get; init; }
}

/// <summary>ffmpeg failed, timed out or produced no audio.</summary>
public sealed class AudioAnalysisException : Exception
{
    public AudioAnalysisException()
    {
    }

    public AudioAnalysisException(string message) : base(message)
    {
    }

    public AudioAnalysisException(string message, Exception inner) : base(message, inner)
    {
    }
}
