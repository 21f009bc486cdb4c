using System.Security.Cryptography;
using BlazorMood.Training.Activity;
using BlazorMood.Video;
using Microsoft.Extensions.Options;

namespace BlazorMood.Training.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Training")]
public sealed class ActivityTrainerTests
{
    private static readonly ActivityClassifier Tree = new(Options.Create(new VideoOptions()));

    private static IReadOnlyList<WindowRow> SyntheticRows(int perLabel, int seed) =>
        ActivityDataset.Windows(ActivityDataset.SyntheticClips(perLabel, new Random(seed), seed), Tree);

    [Fact]
    public void TheSameDataAndSeedGiveTheSameModelBytes()
    {
        var rows = SyntheticRows(4, 11);
        var options = new ActivityTrainer.Options(Seed: 5, Iterations: 30);

        var a = ActivityTrainer.Train(rows, options);
        var b = ActivityTrainer.Train(rows, options);

        Assert.Equal(SHA256.HashData(a.Onnx), SHA256.HashData(b.Onnx));
        Assert.Equal(SyntheticMotions.Labels.Order(StringComparer.Ordinal), a.Classes);
    }

    [Fact]
    public void AModelTrainedOnOneDrawLabelsClipsOfAnotherDraw()
    {
        // Synthetic in, synthetic out: this checks the training and export path end to end, not real-world accuracy.
        var trained = ActivityTrainer.Train(SyntheticRows(20, 21), new ActivityTrainer.Options(Seed: 1, Iterations: 80));
        var dir = Directory.CreateTempSubdirectory("activity-model-");
        try
        {
            var path = Path.Combine(dir.FullName, "activity.onnx");
            ActivityModelFiles.Write(path, trained, new ActivityModelCard(trained.Classes, ActivityFeatureVector.Names, "test", "test", 1, [], new Dictionary<string, int>()));
            var (classifier, model) = ActivityModelFiles.Load(path);
            using (model)
            {
                Assert.True(classifier.UsesLearnedModel);
                var test = ActivityDataset.SyntheticClips(3, new Random(99), 99);
                var right = test.Count(c => classifier.Classify(c.Observations, c.DurationSeconds).Dominant == ActivityModel.ParseClass(c.Label).Kind);
                Assert.True(right >= test.Count * 0.75, $"{right} of {test.Count} unseen synthetic clips right");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void AModelWhoseFeaturesDifferFromTheBuildsIsRefused()
    {
        var trained = ActivityTrainer.Train(SyntheticRows(2, 3), new ActivityTrainer.Options(Seed: 1, Iterations: 5));
        var dir = Directory.CreateTempSubdirectory("activity-model-");
        try
        {
            var path = Path.Combine(dir.FullName, "activity.onnx");
            ActivityModelFiles.Write(path, trained, new ActivityModelCard(trained.Classes, ["torsoAngle", "somethingElse"], "test", "test", 1, [], new Dictionary<string, int>()));
            var e = Assert.Throws<BlazorMood.Vision.ModelLoadException>(() => ActivityModelFiles.Load(path));
            Assert.Contains("retrain", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
