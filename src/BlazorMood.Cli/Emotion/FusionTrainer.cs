using System.Globalization;
using System.Text.Json;
using BlazorMood.Vision;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace BlazorMood.Cli.Emotion;

/// <summary>Settings of one fusion training run; the same settings and rows give the same weights, byte for byte.</summary>
/// <param name="Seed">ML.NET's seed.</param>
/// <param name="L2">L2 regularisation of the logistic regression.</param>
/// <param name="ClassBalance">
/// Example weight = (mean class count / class count)^ClassBalance: 0 keeps the data's class mix (best calibrated on that
/// mix), 1 weights every class equally (rare classes such as fear and disgust stop collapsing into common ones).
/// </param>
public sealed record FusionSettings(int Seed = 1, float L2 = 1f, float ClassBalance = 0.5f);

/// <summary>
/// Trains the emotion fusion: a multinomial logistic regression (ML.NET's L-BFGS maximum entropy trainer, one thread,
/// fixed seed) on both models' log-probabilities, and exports it as <see cref="EmotionFusionModel"/> weights that the
/// Vision runtime applies without ML.NET.
/// </summary>
public static class FusionTrainer
{
    private sealed class Example
    {
        [VectorType(14)]
        public float[] Features { get; set; } = [];

        public uint LabelIndex { get; set; }

        public float Weight { get; set; }
    }

    private sealed class KeyRow
    {
        public uint LabelIndex { get; set; }
    }

    public static EmotionFusionModel Train(IReadOnlyList<EmotionFeatureRow> rows, FusionSettings settings, IReadOnlyDictionary<string, string>? training = null)
    {
        if (rows.Count == 0)
        {
            throw new ArgumentException("No rows to train on.", nameof(rows));
        }
        var classes = EmotionLabels.All.Count;
        var counts = new int[classes];
        foreach (var r in rows)
        {
            counts[r.LabelIndex]++;
        }
        var mean = (double)rows.Count / counts.Count(c => c > 0);
        var weights = counts.Select(c => c == 0 ? 0f : (float)Math.Pow(mean / c, settings.ClassBalance)).ToArray();

        var ml = new MLContext(seed: settings.Seed);
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Example
        {
            Features = r.Features(),
            LabelIndex = (uint)r.LabelIndex,
            Weight = weights[r.LabelIndex],
        }));
        // Key k of the label is class k of EmotionLabels.All, whatever order the rows come in.
        var keys = ml.Data.LoadFromEnumerable(Enumerable.Range(0, classes).Select(i => new KeyRow { LabelIndex = (uint)i }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", nameof(Example.LabelIndex), keyData: keys)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = nameof(Example.Features),
                ExampleWeightColumnName = nameof(Example.Weight),
                L2Regularization = settings.L2,
                L1Regularization = 0,
                NumberOfThreads = 1,
                OptimizationTolerance = 1e-7f,
                MaximumNumberOfIterations = 1000,
            }));
        var model = pipeline.Fit(data);
        var parameters = model.LastTransformer.Model;
        VBuffer<float>[] w = [];
        parameters.GetWeights(ref w, out var numClasses);
        var bias = parameters.GetBiases().ToArray();
        if (numClasses != classes)
        {
            throw new InvalidOperationException($"The trainer produced {numClasses} classes, expected {classes}.");
        }
        var dims = EmotionFusionModel.ExpectedFeatures.Length;
        var matrix = w.Select(v => v.DenseValues().Take(dims).ToArray()).ToArray();
        var info = new Dictionary<string, string>(training ?? new Dictionary<string, string>())
        {
            ["trainer"] = "ML.NET 6.0.0 LbfgsMaximumEntropy (multinomial logistic regression), 1 thread",
            ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            ["l2"] = settings.L2.ToString(CultureInfo.InvariantCulture),
            ["classBalance"] = settings.ClassBalance.ToString(CultureInfo.InvariantCulture),
            ["rows"] = rows.Count.ToString(CultureInfo.InvariantCulture),
        };
        var result = new EmotionFusionModel
        {
            Labels = [.. EmotionLabels.All],
            Features = EmotionFusionModel.ExpectedFeatures,
            Weights = matrix,
            Bias = bias,
            Training = new Dictionary<string, string>(info.OrderBy(p => p.Key, StringComparer.Ordinal)),
        };
        result.Validate("trained fusion");
        return result;
    }

    public static byte[] Serialize(EmotionFusionModel model) =>
        JsonSerializer.SerializeToUtf8Bytes(model, new JsonSerializerOptions { WriteIndented = true });
}
