using BlazorMood.Video;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms;

namespace BlazorMood.Training.Activity;

/// <summary>
/// Trains the window classifier: LightGBM multiclass trees (ML.NET) over <see cref="ActivityFeatureVector"/>, exported
/// to ONNX. Deterministic: one thread, a fixed seed and LightGBM's deterministic mode, so the same rows and seed give
/// the same model bytes. Each class carries the same total weight (real clips are few, synthetic ones many), and
/// within a class a window of a real clip counts <see cref="Options.RealWeight"/> times a generated one (default 4:
/// the product meets real video, and generated motion is there to fill the views and classes real clips lack).
/// </summary>
public static class ActivityTrainer
{
    public const double DefaultRealWeight = 4;

    /// <param name="RealWeight">How many times a window of a real clip counts as much as a generated one of its class.</param>
    public sealed record Options(int Seed = 1, int Iterations = 150, int Leaves = 8, int MinExamplesPerLeaf = 50, double LearningRate = 0.1, double RealWeight = DefaultRealWeight);

    /// <summary>The ONNX model and its classes in score order.</summary>
    public sealed record Trained(byte[] Onnx, IReadOnlyList<string> Classes);

    private sealed class Row
    {
        [VectorType]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";

        public float Weight { get; set; }
    }

    private sealed class FeaturesOnly
    {
        [VectorType]
        public float[] Features { get; set; } = [];
    }

    public static Trained Train(IReadOnlyList<WindowRow> rows, Options options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("no training windows");
        }
        var width = ActivityFeatureVector.Length;
        var classWeight = rows.GroupBy(r => r.Label).ToDictionary(g => g.Key, g => 1.0 / g.Sum(r => r.Kind == "real" ? options.RealWeight : 1));
        var scale = rows.Count / (double)classWeight.Count;
        var data = rows.Select(r => new Row
        {
            Features = r.Features,
            Label = r.Label,
            // Every class sums to rows/classes, so the mean weight is about one.
            Weight = (float)(scale * classWeight[r.Label] * (r.Kind == "real" ? options.RealWeight : 1)),
        }).ToArray();

        var ml = new MLContext(options.Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var view = ml.Data.LoadFromEnumerable(data, schema);
        var keys = ml.Transforms.Conversion.MapValueToKey(nameof(Row.Label), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(view);
        var keyed = keys.Transform(view);
        var trainer = ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            ExampleWeightColumnName = nameof(Row.Weight),
            NumberOfIterations = options.Iterations,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
            LearningRate = options.LearningRate,
            NumberOfThreads = 1,
            Seed = options.Seed,
            Deterministic = true,
            Silent = true,
        });
        var model = trainer.Fit(keyed);

        VBuffer<ReadOnlyMemory<char>> names = default;
        keyed.Schema[nameof(Row.Label)].GetKeyValues(ref names);
        var classes = names.DenseValues().Select(n => n.ToString()).ToArray();

        var featureSchema = SchemaDefinition.Create(typeof(FeaturesOnly));
        featureSchema[nameof(FeaturesOnly.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        var exportView = ml.Data.LoadFromEnumerable(new[] { new FeaturesOnly { Features = new float[width] } }, featureSchema);
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, exportView, stream);
        return new Trained(stream.ToArray(), classes);
    }
}
