using System.Globalization;
using System.Text.Json;
using BlazorMood.Training.Music;

namespace BlazorMood.Cli.Music;

/// <summary><c>blazormood train music-mood</c>: cross-validates and fits <see cref="MusicMoodTrainer"/>, writes the weights.</summary>
internal static class MusicMoodCommands
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> TrainAsync(string clipsTsv, string? alsoTrainTsv, string output, int folds, int seed, float l2, IReadOnlyList<string> arguments, TextWriter stdout, CancellationToken ct)
    {
        var clips = MusicMoodTrainer.ReadTsv(clipsTsv);
        var extra = alsoTrainTsv is null ? [] : MusicMoodTrainer.ReadTsv(alsoTrainTsv);
        var cv = MusicMoodTrainer.CrossValidate(clips, folds, seed, l2, extra);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{clips.Count} clips ({string.Join(", ", clips.GroupBy(c => c.Quadrant).OrderBy(g => g.Key).Select(g => $"q{g.Key} {g.Count()}"))}), {folds}-fold cross-validation, seed {seed}, L2 {l2}; {extra.Count} more clips in every fold's training, never scored"));
        await stdout.WriteLineAsync("                      arousal AUC  right   valence AUC  right   valence AUC excited/calm   quadrant right");
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"current estimate      {cv.BaselineArousal.Auc,11:0.000}  {cv.BaselineArousal.Accuracy,5:P1}  {cv.BaselineValence.Auc,11:0.000}  {cv.BaselineValence.Accuracy,5:P1}  {cv.BaselineValenceExcited,12:0.000} / {cv.BaselineValenceCalm:0.000}  {cv.BaselineQuadrantAccuracy,14:P1}"));
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"fitted (held out)     {cv.FittedArousal.Auc,11:0.000}  {cv.FittedArousal.Accuracy,5:P1}  {cv.FittedValence.Auc,11:0.000}  {cv.FittedValence.Accuracy,5:P1}  {cv.FittedValenceExcited,12:0.000} / {cv.FittedValenceCalm:0.000}  {cv.FittedQuadrantAccuracy,14:P1}"));

        var model = MusicMoodTrainer.FitModel([.. clips, .. extra], l2);
        await stdout.WriteLineAsync("");
        await stdout.WriteLineAsync("weights on all clips (cue units)      arousal   valence (excited)   valence (calm)   fill (mean)");
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"bias",-36} {model.Arousal.Bias,8:0.0000}   {model.ValenceExcited.Bias,17:0.0000}   {model.ValenceCalm.Bias,14:0.0000}"));
        for (var i = 0; i < MusicMoodTrainer.CueNames.Count; i++)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{MusicMoodTrainer.CueNames[i],-36} {model.Arousal.Weights[i],8:0.0000}   {model.ValenceExcited.Weights[i],17:0.0000}   {model.ValenceCalm.Weights[i],14:0.0000}   {model.Arousal.Fill[i]:0.0000}"));
        }
        static object Axis(MusicMoodTrainer.Axis a) => new { bias = a.Bias, weights = a.Weights, fill = a.Fill };
        var report = new
        {
            trained = DateTimeOffset.UtcNow,
            command = "blazormood " + string.Join(' ', arguments),
            source = Path.GetFileName(clipsTsv),
            clips = clips.Count,
            alsoTrained = alsoTrainTsv is null ? null : Path.GetFileName(alsoTrainTsv),
            alsoTrainedClips = extra.Count,
            cues = MusicMoodTrainer.CueNames,
            arousal = Axis(model.Arousal),
            valenceExcited = Axis(model.ValenceExcited),
            valenceCalm = Axis(model.ValenceCalm),
            crossValidation = cv,
        };
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, Json), ct);
        await stdout.WriteLineAsync($"weights and cross-validation: {output}");
        return 0;
    }
}
