using System.Globalization;
using BlazorMood.Music.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace BlazorMood.Training.Music;

/// <summary>
/// Fits the valence/arousal estimate's weights to clips labelled with Russell's quadrants (q1 excited and pleasant, q2
/// excited and unpleasant, q3 calm and unpleasant, q4 calm and pleasant): logistic regressions (ML.NET's L-BFGS,
/// L2-regularised) over the measured cues, one for arousal and one for valence within each half (<see cref="Model"/>), on cues standardised here so the weights can be given back in the
/// cues' own units. The estimate of a clip is then the probability that it belongs to the excited (or pleasant) half.
/// Deterministic: the folds come from a seeded shuffle within each quadrant, and L-BFGS runs on one thread.
/// </summary>
public static class MusicMoodTrainer
{
    /// <summary>The cues, in weight order (<see cref="MoodEstimator.Cues"/>).</summary>
    public static IReadOnlyList<string> CueNames { get; } = ["log2 tempo (BPM)", "loudness (LUFS)", "log2 brightness (Hz)", "log2 onsets per second", "mode contrast", "key clarity"];

    /// <summary>One measured clip (the numbers <c>blazormood music quadrant-eval --out</c> writes).</summary>
    public sealed record Clip(string File, int Quadrant, double? Bpm, double? LoudnessLufs, double? BrightnessHz, double? OnsetsPerSecond, double? ModeContrast,
        double? KeyClarity, double? EstimatedValence, double? EstimatedArousal)
    {
        public bool Excited => Quadrant is 1 or 2;

        public bool Pleasant => Quadrant is 1 or 4;
    }

    /// <summary>
    /// One axis in the cues' units: <c>p = 1 / (1 + exp(-(Bias + Σ Weights[i] · cue[i])))</c>, a missing cue taking
    /// <see cref="Fill"/> (its mean over the training clips).
    /// </summary>
    public sealed record Axis(double Bias, double[] Weights, double[] Fill)
    {
        public double Predict(double[] cues)
        {
            var z = Bias;
            for (var i = 0; i < Weights.Length; i++)
            {
                z += Weights[i] * (double.IsFinite(cues[i]) ? cues[i] : Fill[i]);
            }
            return 1 / (1 + Math.Exp(-z));
        }
    }

    /// <summary>
    /// The whole estimate. Valence is read differently in excited and in calm music (what tells angry from joyful
    /// music is not what tells sad from relaxed music), so it has one axis per half, blended by the arousal.
    /// </summary>
    public sealed record Model(Axis Arousal, Axis ValenceExcited, Axis ValenceCalm)
    {
        public (double Valence, double Arousal) Predict(double[] cues)
        {
            var arousal = Arousal.Predict(cues);
            return ((arousal * ValenceExcited.Predict(cues)) + ((1 - arousal) * ValenceCalm.Predict(cues)), arousal);
        }
    }

    /// <summary>Fits the three axes: arousal on every clip, each valence axis on its half (q1 against q2, q4 against q3).</summary>
    public static Model FitModel(IReadOnlyList<Clip> clips, float l2 = 1f)
    {
        ArgumentNullException.ThrowIfNull(clips);
        var cues = clips.Select(Cues).ToArray();
        var fill = MeansOf(cues);
        var arousal = Fit(cues.Select((c, i) => (c, clips[i].Excited)).ToArray(), l2, fill);
        (double[], bool)[] Half(bool excitedHalf) =>
            [.. Enumerable.Range(0, clips.Count).Where(i => clips[i].Excited == excitedHalf).Select(i => (cues[i], clips[i].Pleasant))];
        var excited = Fit(Half(true), l2, fill);
        var calm = Fit(Half(false), l2, fill);
        return new Model(arousal, excited, calm);
    }

    private static double[] MeansOf(double[][] cues) =>
        Enumerable.Range(0, cues[0].Length).Select(i => cues.Select(c => c[i]).Where(double.IsFinite).DefaultIfEmpty(0).Average()).ToArray();

    /// <summary>Held-out scores of one axis (or of the estimate being replaced, on the same clips).</summary>
    public sealed record AxisScore(double Auc, double Accuracy);

    /// <param name="FittedValenceExcited">Valence AUC within the excited half alone (q1 against q2), so: joyful against angry.</param>
    /// <param name="FittedValenceCalm">Valence AUC within the calm half alone (q4 against q3), so: relaxed against sad.</param>
    public sealed record CrossValidation(int Folds, int Clips, AxisScore FittedArousal, AxisScore FittedValence, double FittedValenceExcited, double FittedValenceCalm,
        double FittedQuadrantAccuracy, AxisScore BaselineArousal, AxisScore BaselineValence, double BaselineValenceExcited, double BaselineValenceCalm,
        double BaselineQuadrantAccuracy);

    public static double[] Cues(Clip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return MoodEstimator.Cues(clip.Bpm, clip.LoudnessLufs, clip.BrightnessHz, clip.OnsetsPerSecond, clip.ModeContrast, clip.KeyClarity);
    }

    /// <param name="fill">Values for missing cues (default: each cue's mean over <paramref name="rows"/>).</param>
    public static Axis Fit(IReadOnlyList<(double[] Cues, bool High)> rows, float l2 = 1f, double[]? fill = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 4 || rows.All(r => r.High) || rows.All(r => !r.High))
        {
            throw new InvalidOperationException("fitting needs clips of both halves");
        }
        var width = rows[0].Cues.Length;
        fill ??= MeansOf(rows.Select(r => r.Cues).ToArray());
        var scale = new double[width];
        for (var i = 0; i < width; i++)
        {
            var seen = rows.Select(r => r.Cues[i]).Where(double.IsFinite).ToArray();
            var mean = seen.Length > 0 ? seen.Average() : 0;
            var sd = seen.Length > 1 ? Math.Sqrt(seen.Sum(v => (v - mean) * (v - mean)) / (seen.Length - 1)) : 0;
            scale[i] = sd > 1e-9 ? sd : 1;
        }
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row
        {
            Features = Enumerable.Range(0, width).Select(i => (float)(((double.IsFinite(r.Cues[i]) ? r.Cues[i] : fill[i]) - fill[i]) / scale[i])).ToArray(),
            Label = r.High,
        }), SchemaFor(width));
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = l2,
            L1Regularization = 0,
            NumberOfThreads = 1,
        });
        var model = trainer.Fit(data).Model.SubModel;
        var standardised = model.Weights.ToArray();
        // Back to the cues' units: w·(x − mean)/sd + b = (w/sd)·x + (b − Σ w·mean/sd).
        var weights = new double[width];
        var bias = (double)model.Bias;
        for (var i = 0; i < width; i++)
        {
            weights[i] = standardised[i] / scale[i];
            bias -= weights[i] * fill[i];
        }
        return new Axis(bias, weights, fill);
    }

    /// <summary>
    /// <paramref name="folds"/>-fold cross-validation, stratified by quadrant: each clip is scored by the axes fitted on
    /// the other folds, and the estimate being replaced is scored on the same clips.
    /// </summary>
    /// <param name="alwaysTrained">Clips added to every fold's training and never scored (generated music, say: it is
    /// there so the fit also reads the app's own library, and is no evidence of accuracy on real music).</param>
    public static CrossValidation CrossValidate(IReadOnlyList<Clip> clips, int folds, int seed, float l2 = 1f, IReadOnlyList<Clip>? alwaysTrained = null)
    {
        ArgumentNullException.ThrowIfNull(clips);
        alwaysTrained ??= [];
        var random = new Random(seed);
        var fold = new int[clips.Count];
        foreach (var quadrant in clips.Select((c, i) => (c, i)).GroupBy(x => x.c.Quadrant))
        {
            var members = quadrant.Select(x => x.i).OrderBy(_ => random.Next()).ToArray();
            for (var k = 0; k < members.Length; k++)
            {
                fold[members[k]] = k % folds;
            }
        }
        var arousal = new double[clips.Count];
        var valence = new double[clips.Count];
        var cues = clips.Select(Cues).ToArray();
        for (var f = 0; f < folds; f++)
        {
            var model = FitModel([.. Enumerable.Range(0, clips.Count).Where(i => fold[i] != f).Select(i => clips[i]), .. alwaysTrained], l2);
            foreach (var i in Enumerable.Range(0, clips.Count).Where(i => fold[i] == f))
            {
                (valence[i], arousal[i]) = model.Predict(cues[i]);
            }
        }
        var baseArousal = clips.Select(c => c.EstimatedArousal ?? 0.5).ToArray();
        var baseValence = clips.Select(c => c.EstimatedValence ?? 0.5).ToArray();
        var excited = clips.Select(c => c.Excited).ToArray();
        var pleasant = clips.Select(c => c.Pleasant).ToArray();
        double WithinHalf(double[] scores, bool excitedHalf) =>
            Score([.. scores.Where((_, i) => excited[i] == excitedHalf)], [.. pleasant.Where((_, i) => excited[i] == excitedHalf)]).Auc;
        return new CrossValidation(folds, clips.Count,
            Score(arousal, excited), Score(valence, pleasant), WithinHalf(valence, true), WithinHalf(valence, false), QuadrantAccuracy(arousal, valence, clips),
            Score(baseArousal, excited), Score(baseValence, pleasant), WithinHalf(baseValence, true), WithinHalf(baseValence, false), QuadrantAccuracy(baseArousal, baseValence, clips));
    }

    /// <summary>Reads the per-clip TSV of <c>blazormood music quadrant-eval --out</c>.</summary>
    public static IReadOnlyList<Clip> ReadTsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidOperationException($"{path}: no column '{name}'");
        var (file, quadrant, bpm, lufs, brightness, onsets, mode, clarity, valence, arousal) =
            (Col("file"), Col("quadrant"), Col("bpm"), Col("lufs"), Col("brightnessHz"), Col("onsetsPerSecond"), Col("modeContrast"), Col("keyClarity"), Col("valence"), Col("arousal"));
        static double? Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(c => new Clip(c[file], int.Parse(c[quadrant].TrimStart('q', 'Q'), CultureInfo.InvariantCulture),
            Number(c[bpm]), Number(c[lufs]), Number(c[brightness]), Number(c[onsets]), Number(c[mode]), Number(c[clarity]), Number(c[valence]), Number(c[arousal]))).ToArray();
    }

    private static AxisScore Score(double[] scores, bool[] high)
    {
        var right = scores.Where((s, i) => (s >= 0.5) == high[i]).Count();
        return new AxisScore(Auc([.. scores.Zip(high)]), right / (double)scores.Length);
    }

    /// <summary>
    /// Probability that a random member of the high half scores above a random one of the low half, ties counting
    /// half (the area under the ROC curve; 0.5 is chance); NaN without both halves.
    /// </summary>
    public static double Auc(IReadOnlyList<(double Score, bool High)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var high = pairs.Where(p => p.High).Select(p => p.Score).ToArray();
        var low = pairs.Where(p => !p.High).Select(p => p.Score).ToArray();
        if (high.Length == 0 || low.Length == 0)
        {
            return double.NaN;
        }
        double wins = 0;
        foreach (var h in high)
        {
            foreach (var l in low)
            {
                wins += h > l ? 1 : h == l ? 0.5 : 0;
            }
        }
        return wins / (high.Length * (double)low.Length);
    }

    private static double QuadrantAccuracy(double[] arousal, double[] valence, IReadOnlyList<Clip> clips) =>
        clips.Where((c, i) => (arousal[i] >= 0.5) == c.Excited && (valence[i] >= 0.5) == c.Pleasant).Count() / (double)clips.Count;

    private static SchemaDefinition SchemaFor(int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
