using System.Text.Json;
using BlazorMood.TestSupport;
using BlazorMood.Training.Music;

namespace BlazorMood.Cli.Tests;

/// <summary>
/// <c>music quadrant-eval</c> and <c>train music-mood</c> end to end: real audio (the generated library's tracks standing
/// in for quadrant-labelled clips) analysed by ffmpeg, scored, written as a table, and the table fitted and written as
/// weights; and the fit itself recovering which cue carries which axis.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MusicMoodCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-music-mood-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Quadrant_eval_scores_real_audio_and_its_table_trains_weights_with_a_cross_validation()
    {
        // Three generated tracks per quadrant, from the playlists made for those moods.
        var quadrants = new[] { ("q1", "emotion_happy"), ("q2", "emotion_angry"), ("q3", "emotion_sad"), ("q4", "activity_sitting") };
        foreach (var (quadrant, playlist) in quadrants)
        {
            var target = Directory.CreateDirectory(Path.Combine(_root, "clips", quadrant)).FullName;
            foreach (var track in Directory.GetFiles(Path.Combine(TestAssets.RepoRoot, "playlists", playlist), "*.opus").Order(StringComparer.Ordinal).Take(3))
            {
                File.Copy(track, Path.Combine(target, Path.GetFileName(track)));
            }
        }
        var tsv = Path.Combine(_root, "clips.tsv");
        var (code, output, errors) = await Run("music", "quadrant-eval", Path.Combine(_root, "clips"), "--out", tsv, "--parallel", "2");

        Assert.True(code == 0, errors);
        Assert.Contains("clips: 12 (q1 3, q2 3, q3 3, q4 3); analysed: 12; failed: 0", output, StringComparison.Ordinal);
        Assert.Contains("quadrant from the estimate", output, StringComparison.Ordinal);
        var clips = MusicMoodTrainer.ReadTsv(tsv);
        Assert.Equal(12, clips.Count);
        Assert.All(clips, c => Assert.NotNull(c.LoudnessLufs));

        var weights = Path.Combine(_root, "music-mood.json");
        (code, output, errors) = await Run("train", "music-mood", "--clips", tsv, "--out", weights, "--folds", "3");

        Assert.True(code == 0, errors);
        Assert.Contains("fitted (held out)", output, StringComparison.Ordinal);
        using var model = JsonDocument.Parse(await File.ReadAllTextAsync(weights));
        foreach (var axis in new[] { "arousal", "valenceExcited", "valenceCalm" })
        {
            Assert.Equal(MusicMoodTrainer.CueNames.Count, model.RootElement.GetProperty(axis).GetProperty("weights").GetArrayLength());
        }
        Assert.Equal(12, model.RootElement.GetProperty("clips").GetInt32());
        Assert.Equal(3, model.RootElement.GetProperty("crossValidation").GetProperty("folds").GetInt32());
    }

    [Fact]
    public void The_fit_finds_the_cue_that_carries_each_axis_and_scores_it_on_clips_it_never_saw()
    {
        // Arousal carried by brightness, valence by mode; tempo is noise. 200 clips, 50 per quadrant.
        var random = new Random(7);
        var clips = new List<MusicMoodTrainer.Clip>();
        for (var i = 0; i < 200; i++)
        {
            var quadrant = (i % 4) + 1;
            var excited = quadrant is 1 or 2;
            var pleasant = quadrant is 1 or 4;
            clips.Add(new MusicMoodTrainer.Clip($"c{i}", quadrant,
                Bpm: 80 + (random.NextDouble() * 80),
                LoudnessLufs: -14 + random.NextDouble(),
                BrightnessHz: (excited ? 2400 : 900) * (0.8 + (0.4 * random.NextDouble())),
                OnsetsPerSecond: 4 + random.NextDouble(),
                ModeContrast: (pleasant ? 0.15 : -0.15) + ((random.NextDouble() - 0.5) * 0.2),
                KeyClarity: 0.6 + (0.1 * random.NextDouble()),
                EstimatedValence: 0.5, EstimatedArousal: 0.5));
        }

        var cv = MusicMoodTrainer.CrossValidate(clips, folds: 5, seed: 1);
        var model = MusicMoodTrainer.FitModel(clips);

        Assert.True(cv.FittedArousal.Auc > 0.95, $"arousal AUC {cv.FittedArousal.Auc}");
        Assert.True(cv.FittedValence.Auc > 0.9, $"valence AUC {cv.FittedValence.Auc}");
        Assert.Equal(0.5, cv.BaselineArousal.Auc);
        var brightness = MusicMoodTrainer.CueNames.ToList().IndexOf("log2 brightness (Hz)");
        var mode = MusicMoodTrainer.CueNames.ToList().IndexOf("mode contrast");
        Assert.True(model.Arousal.Weights[brightness] > 1, $"brightness weight {model.Arousal.Weights[brightness]}");
        Assert.True(model.ValenceCalm.Weights[mode] > 1 && model.ValenceExcited.Weights[mode] > 1);
        // A bright major clip reads excited and pleasant; a dark minor one calm and unpleasant.
        var bright = model.Predict([Math.Log2(120), -14, Math.Log2(2600), Math.Log2(4.5 + 0.25), 0.2, 0.65]);
        var dark = model.Predict([Math.Log2(120), -14, Math.Log2(800), Math.Log2(4.5 + 0.25), -0.2, 0.65]);
        Assert.True(bright.Arousal > 0.8 && bright.Valence > 0.8, $"{bright}");
        Assert.True(dark.Arousal < 0.2 && dark.Valence < 0.2, $"{dark}");
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
