using System.Security.Cryptography;
using BlazorMood.Cli.Emotion;
using BlazorMood.TestSupport;
using BlazorMood.Vision;

namespace BlazorMood.Cli.Tests;

/// <summary>
/// Fusion training on the committed fixture of per-face model outputs (numbers only; see
/// tests/BlazorMood.Vision.Tests/Fixtures/emotion-features.tsv): deterministic, and it reproduces the committed weights.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Training")]
public sealed class EmotionFusionTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fusion-train-").FullName;

    private static string Fixture => Path.Combine(TestAssets.RepoRoot, "tests", "BlazorMood.Vision.Tests", "Fixtures", "emotion-features.tsv");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<byte[]> TrainAsync(string name, params string[] extra)
    {
        var output = Path.Combine(_dir, name);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["train", "emotion-fusion", "--features", Fixture, "--out", output, .. extra], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.Contains("fusion, trained on the other sources", stdout.ToString());
        return await File.ReadAllBytesAsync(output);
    }

    [Fact]
    public async Task Same_rows_and_seed_give_the_same_bytes_and_the_committed_weights()
    {
        var first = await TrainAsync("a.json");
        var second = await TrainAsync("b.json");
        Assert.Equal(SHA256.HashData(first), SHA256.HashData(second));

        // The committed file was trained by the same command on the same fixture (only the recorded command line differs).
        var fresh = EmotionFusionModel.Load(Path.Combine(_dir, "a.json"));
        var committed = EmotionFusionModel.Load(Path.Combine(TestAssets.ModelsDir, "emotion-fusion.json"));
        Assert.Equal(committed.Bias, fresh.Bias);
        for (var c = 0; c < committed.Weights.Length; c++)
        {
            Assert.Equal(committed.Weights[c], fresh.Weights[c]);
        }
    }

    [Fact]
    public async Task Class_balance_changes_the_weights()
    {
        await TrainAsync("balanced.json", "--class-balance", "1");
        await TrainAsync("natural.json", "--class-balance", "0");
        var balanced = EmotionFusionModel.Load(Path.Combine(_dir, "balanced.json"));
        var natural = EmotionFusionModel.Load(Path.Combine(_dir, "natural.json"));
        Assert.NotEqual(balanced.Bias, natural.Bias);
    }

    [Fact]
    public void Feature_file_round_trips()
    {
        var rows = EmotionFeatureFile.Read(Fixture);
        var copy = Path.Combine(_dir, "copy.tsv");
        EmotionFeatureFile.Write(copy, rows);
        Assert.Equal(File.ReadAllText(Fixture), File.ReadAllText(copy));
    }
}
