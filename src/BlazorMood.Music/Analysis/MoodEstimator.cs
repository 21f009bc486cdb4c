namespace BlazorMood.Music.Analysis;

/// <summary>
/// A valence/arousal estimate (Russell's circumplex, both 0..1) from measured features, hand-weighted after the
/// cues music-psychology studies found strongest (Gabrielsson &amp; Lindström's review of musical structure and
/// emotion; Eerola et al. on mode and tempo): arousal follows tempo, attack density, loudness and brightness;
/// valence follows mode first, then tempo and brightness. Not trained: <c>docs/accuracy.md</c> says what it was
/// checked against.
/// </summary>
/// <remarks>
/// Each cue is scaled to 0..1 over the range where music mostly lies, clamped outside it:
/// tempo 60 → 170 BPM; onsets 0.75 → 8 per second (log scale); loudness −30 → −8 LUFS (RMS dBFS + 3 when no LUFS);
/// brightness (spectral centroid) 250 → 4000 Hz (log scale); mode as the major-minus-minor key-profile correlation,
/// ±0.3 → ±1. An unknown cue counts as its midpoint.
/// <code>
/// arousal = 0.35·tempo + 0.30·onsets + 0.20·loudness + 0.15·brightness
/// valence = 0.50 + 0.30·mode + 0.12·(tempo − 0.5) + 0.08·(brightness − 0.5)
/// </code>
/// </remarks>
public static class MoodEstimator
{
    public static (double Valence, double Arousal) Estimate(AudioFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Estimate(features.Bpm, features.OnsetsPerSecond, features.LoudnessLufs, features.EnergyDb, features.BrightnessHz, features.ModeContrast);
    }

    public static (double Valence, double Arousal) Estimate(double? bpm, double? onsetsPerSecond, double? loudnessLufs, double? energyDb, double? brightnessHz, double? modeContrast)
    {
        var tempo = bpm is > 0 and var b ? Unit((b - 60) / 110) : 0.5;
        var onsets = onsetsPerSecond is > 0 and var o ? Unit(Math.Log2(o / 0.75) / Math.Log2(8 / 0.75)) : onsetsPerSecond is 0 ? 0 : 0.5;
        var loudnessDb = loudnessLufs ?? (energyDb is { } db ? db + 3 : null);
        var loudness = loudnessDb is { } l ? Unit((l + 30) / 22) : 0.5;
        var brightness = brightnessHz is > 0 and var c ? Unit(Math.Log2(c / 250) / Math.Log2(4000 / 250.0)) : 0.5;
        var mode = modeContrast is { } m ? Math.Clamp(m / 0.3, -1, 1) : 0;

        var arousal = 0.35 * tempo + 0.30 * onsets + 0.20 * loudness + 0.15 * brightness;
        var valence = 0.50 + 0.30 * mode + 0.12 * (tempo - 0.5) + 0.08 * (brightness - 0.5);
        return (Math.Round(Unit(valence), 3), Math.Round(Unit(arousal), 3));
    }

    private static double Unit(double x) => double.IsFinite(x) ? Math.Clamp(x, 0, 1) : 0.5;
}
