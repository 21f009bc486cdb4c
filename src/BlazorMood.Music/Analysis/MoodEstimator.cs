namespace BlazorMood.Music.Analysis;

/// <summary>
/// A valence/arousal estimate (Russell's circumplex, both 0..1) from a track's measured cues: logistic regressions
/// fitted to 900 real clips labelled with their quadrant (the 4Q audio emotion set of Panda et al. 2018; weights and
/// cross-validation in <c>models/music-mood.json</c>, provenance in <c>models/README.md</c>, scores in
/// <c>docs/accuracy.md</c>). Arousal is the probability that the music is of the excited half; valence the probability
/// that it is of the pleasant half, read by one regression for excited music (joyful against angry) and one for calm
/// music (relaxed against sad), blended by the arousal.
/// </summary>
/// <remarks>
/// The cues (<see cref="Cues"/>): log2 tempo (BPM), loudness (LUFS; RMS dBFS + 3 when there is no LUFS), log2 spectral
/// centroid (Hz), log2 (onsets per second + 0.25), mode contrast (major minus minor key-profile correlation) and key
/// clarity. A cue that was not measured takes its mean over the training clips; with none measured the estimate is
/// 0.5 on both axes. On the 4Q clips, held out ten-fold: arousal AUC 0.885 (the hand-set weights this replaces, which
/// leaned on tempo and attack density, 0.611), valence 0.719 (0.640): brightness and loudness carry arousal, tempo
/// carries almost none once they are known; valence follows mode and key clarity, and dense attacks read as
/// unpleasant in excited music. Telling sad from relaxed music stays weak (AUC 0.627).
/// Regenerate with <c>blazormood music quadrant-eval .cache/devdata/music-emotion --out clips.tsv</c>, then
/// <c>blazormood train music-mood --clips clips.tsv --out models/music-mood.json</c>, and copy the numbers here
/// (<c>MoodEstimatorTests</c> fails until they match the file).
/// </remarks>
public static class MoodEstimator
{
    /// <summary>The cues' order and their fill for a missing one (means over the training clips).</summary>
    internal static readonly double[] Fill = [6.748527162602919, -13.513222222222213, 10.801552715473761, 2.9432951246244987, 0.047305775764439374, 0.6705583238958098];

    internal static readonly (double Bias, double[] Weights) Arousal = (-22.921429036556848, [-0.10230406370354864, 0.20123094552708737, 2.501296651770823, 0.7530577525904879, 0.7268273907278128, -4.426086964400417]);

    internal static readonly (double Bias, double[] Weights) ValenceExcited = (12.092153620136896, [0.09661445939055974, -0.15050808585226108, -0.5691726352421147, -3.937699568085309, 3.574470025172117, 5.455709815874511]);

    internal static readonly (double Bias, double[] Weights) ValenceCalm = (2.9826049454279495, [0.5944300948145446, -0.011723255688366702, -0.4946705953329568, -1.1765275308833523, 1.7668151921496695, 1.8553050845467909]);

    public static (double Valence, double Arousal) Estimate(AudioFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Estimate(features.Bpm, features.OnsetsPerSecond, features.LoudnessLufs, features.EnergyDb, features.BrightnessHz, features.ModeContrast, features.KeyClarity);
    }

    public static (double Valence, double Arousal) Estimate(double? bpm, double? onsetsPerSecond, double? loudnessLufs, double? energyDb, double? brightnessHz,
        double? modeContrast, double? keyClarity = null)
    {
        var cues = Cues(bpm, loudnessLufs ?? (energyDb is { } db ? db + 3 : null), brightnessHz, onsetsPerSecond, modeContrast, keyClarity);
        if (cues.All(double.IsNaN))
        {
            return (0.5, 0.5);
        }
        var arousal = Probability(Arousal, cues);
        var valence = (arousal * Probability(ValenceExcited, cues)) + ((1 - arousal) * Probability(ValenceCalm, cues));
        return (Math.Round(valence, 3), Math.Round(arousal, 3));
    }

    /// <summary>The cue vector the weights apply to (NaN where a cue was not measured); training reads clips through it too.</summary>
    public static double[] Cues(double? bpm, double? loudnessLufs, double? brightnessHz, double? onsetsPerSecond, double? modeContrast, double? keyClarity) =>
    [
        bpm is > 0 and var b ? Math.Log2(b) : double.NaN,
        loudnessLufs is { } l && double.IsFinite(l) ? l : double.NaN,
        brightnessHz is > 0 and var c ? Math.Log2(c) : double.NaN,
        // A quarter attack a second added so that a droning or silent track (0 onsets) stays finite.
        onsetsPerSecond is >= 0 and var o ? Math.Log2(o + 0.25) : double.NaN,
        modeContrast is { } m && double.IsFinite(m) ? m : double.NaN,
        keyClarity is { } k && double.IsFinite(k) ? k : double.NaN,
    ];

    private static double Probability((double Bias, double[] Weights) axis, double[] cues)
    {
        var z = axis.Bias;
        for (var i = 0; i < cues.Length; i++)
        {
            z += axis.Weights[i] * (double.IsNaN(cues[i]) ? Fill[i] : cues[i]);
        }
        return 1 / (1 + Math.Exp(-z));
    }
}
