namespace BlazorMood.Music.Analysis;

/// <summary>What <see cref="AudioAnalyzer"/> measures for one track.</summary>
/// <param name="DurationSeconds">Decoded length (of the analysed part when <see cref="AudioAnalysisOptions.MaxDuration"/> cut it).</param>
/// <param name="Bpm">Estimated tempo; null when the track has no detectable pulse (silence, too short).</param>
/// <param name="TempoConfidence">0..1: how clearly the chosen tempo stood out of the periodicity function.</param>
/// <param name="EnergyDb">RMS loudness in dBFS (0 = full-scale square wave; silence is -inf, reported as -120).</param>
/// <param name="BrightnessHz">Energy-weighted mean spectral centroid.</param>
public sealed record AudioFeatures(double DurationSeconds, double? Bpm, double TempoConfidence, double EnergyDb, double BrightnessHz);

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
