namespace BlazorMood.Music.Analysis;

/// <summary>
/// A valence/arousal estimate (Russell's circumplex, both 0..1) from a track's measured cues: logistic regressions
/// fitted to 900 real clips labelled with their quadrant (the 4Q audio emotion set of Panda et al. 2018), with the
/// app's 70 generated tracks added to the training (never to the scoring) so that it also reads the embedded library;
/// weights and cross-validation in <c>models/music-mood.json</c>, provenance in <c>models/README.md</c>, scores in
/// <c>docs/accuracy.md</c>. Arousal is the probability that the music is of the excited half; valence the probability
/// that it is of the pleasant half, read by one regression for excited music (joyful against angry) and one for calm
/// music (relaxed against sad), blended by the arousal.
/// </summary>
/// <remarks>
/// The cues (<see cref="Cues"/>): log2 tempo (BPM), loudness (LUFS; RMS dBFS + 3 when there is no LUFS), log2 spectral
/// centroid (Hz), log2 (onsets per second + 0.25), mode contrast (major minus minor key-profile correlation) and key
/// clarity. A cue that was not measured takes its mean over the training clips; with none measured the estimate is
/// 0.5 on both axes. On the 4Q clips, held out ten-fold: arousal AUC 0.872 (the hand-set weights this replaces, which
/// leaned on tempo and attack density, 0.611), valence 0.719 (0.640): brightness and loudness carry arousal, tempo
/// carries almost none once they are known; valence follows mode and key clarity, and dense attacks read as
/// unpleasant. Telling sad from relaxed music stays weak (AUC 0.618).
/// Regenerate with <c>blazormood music quadrant-eval</c> on the 4Q clips and on the generated library grouped by
/// quadrant, then <c>blazormood train music-mood --clips 4q.tsv --also-train generated.tsv --out models/music-mood.json</c>
/// (models/README.md has the exact commands), and copy the numbers here (<c>TaggingTests</c> fails until they match).
/// </remarks>
public static class MoodEstimator
{
    /// <summary>The cues' order and their fill for a missing one (means over the training clips).</summary>
    internal static readonly double[] Fill = [6.739800271755704, -13.961649484536071, 10.724162551610947, 2.8946162984077257, 0.05771773347324235, 0.6804994753410291];

    internal static readonly (double Bias, double[] Weights) Arousal = (-9.095790207915295, [-0.1367759695504736, 0.16296216369689606, 1.7724082063566096, -1.4774467443863446, 1.299241739688171, -3.7295820882096145]);

    internal static readonly (double Bias, double[] Weights) ValenceExcited = (-0.6027137200576993, [0.12082541972559921, -0.1494852695170911, 0.4232806446404093, -3.3234336962331676, 2.3579855553907563, 4.837094777434102]);

    internal static readonly (double Bias, double[] Weights) ValenceCalm = (0.9149415044529297, [0.6373883010723324, -0.007019222325836334, -0.3103053924476489, -1.1658806064628038, 1.9124201860654415, 1.6627667200032794]);

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
