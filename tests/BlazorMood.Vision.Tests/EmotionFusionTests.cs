using System.Globalization;
using BlazorMood.TestSupport;

namespace BlazorMood.Vision.Tests;

/// <summary>
/// The committed fusion weights against the committed fixture of per-face model outputs
/// (<c>Fixtures/emotion-features.tsv</c>: both models' probabilities on development-set faces, extracted once by
/// <c>blazormood eval emotion .cache/devdata/emotion --features …</c>; numbers only, no pixels). The fusion must keep the
/// accuracy recorded when it was trained and beat each model alone on every source.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
public class EmotionFusionTests
{
    private static readonly string FixturePath = Path.Combine(AppContext.BaseDirectory, "Fixtures", "emotion-features.tsv");

    private sealed record Row(string Source, int Label, float[] Human, float[] FaceApi);

    private static List<Row> ReadFixture()
    {
        var lines = File.ReadAllLines(FixturePath);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split('\t');
            var p = f.Skip(5).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            return new Row(f[0], EmotionLabels.All.ToList().IndexOf(f[3]), p[..7], p[7..]);
        }).ToList();
    }

    private static EmotionPrediction Prediction(float[] p)
    {
        var dict = new Dictionary<string, float>();
        var best = 0;
        for (var i = 0; i < 7; i++)
        {
            dict[EmotionLabels.All[i]] = p[i];
            best = p[i] > p[best] ? i : best;
        }
        return new EmotionPrediction((Emotion)best, p[best], dict);
    }

    private static int ArgMax(float[] p) => Array.IndexOf(p, p.Max());

    [Fact]
    public void Committed_weights_load_and_match_the_runtime_s_features()
    {
        var model = EmotionFusionModel.Load(Path.Combine(TestAssets.ModelsDir, "emotion-fusion.json"));
        Assert.Equal(EmotionLabels.All, model.Labels);
        Assert.Equal(EmotionFusionModel.ExpectedFeatures, model.Features);
    }

    [Fact]
    public void Fusion_keeps_its_recorded_accuracy_and_beats_each_model_on_every_source()
    {
        var model = EmotionFusionModel.Load(Path.Combine(TestAssets.ModelsDir, "emotion-fusion.json"));
        var rows = ReadFixture();
        Assert.True(rows.Count > 1000, $"fixture has {rows.Count} rows");
        foreach (var group in rows.GroupBy(r => r.Source))
        {
            var n = group.Count();
            var human = group.Count(r => ArgMax(r.Human) == r.Label) / (double)n;
            var faceApi = group.Count(r => ArgMax(r.FaceApi) == r.Label) / (double)n;
            var fused = group.Count(r => model.Fuse(Prediction(r.Human), Prediction(r.FaceApi)).Emotion == (Emotion)r.Label) / (double)n;
            Assert.True(fused > human && fused > faceApi, $"{group.Key}: fused {fused:P1}, Human {human:P1}, face-api {faceApi:P1}");
            var recorded = double.Parse(model.Training["fixtureAccuracy." + group.Key], CultureInfo.InvariantCulture);
            Assert.True(fused >= recorded - 0.0005, $"{group.Key}: fused {fused:P2}, recorded {recorded:P2}");
        }
    }

    [Fact]
    public void Fusion_is_a_softmax_over_a_linear_layer()
    {
        var model = new EmotionFusionModel
        {
            Labels = [.. EmotionLabels.All],
            Features = EmotionFusionModel.ExpectedFeatures,
            Weights = Enumerable.Range(0, 7).Select(c => Enumerable.Range(0, 14).Select(f => f == c || f == c + 7 ? 1f : 0f).ToArray()).ToArray(),
            Bias = new float[7],
        };
        // Weights 1 on both models' log-probabilities: the product of the two distributions, renormalised.
        float[] a = [0.1f, 0.1f, 0.1f, 0.4f, 0.1f, 0.1f, 0.1f];
        float[] b = [0.05f, 0.05f, 0.05f, 0.5f, 0.05f, 0.2f, 0.1f];
        var fused = model.Fuse(Prediction(a), Prediction(b));
        var product = a.Zip(b, (x, y) => x * y).ToArray();
        var sum = product.Sum();
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(product[i] / sum, fused.Probabilities[EmotionLabels.All[i]], 5);
        }
    }

    [Fact]
    public void Malformed_weights_are_refused_with_the_file_named()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fusion-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"formatVersion":1,"labels":["happy"],"features":[],"weights":[],"bias":[]}""");
        try
        {
            var e = Assert.Throws<ModelLoadException>(() => EmotionFusionModel.Load(path));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
