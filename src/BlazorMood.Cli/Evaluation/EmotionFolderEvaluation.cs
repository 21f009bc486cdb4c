using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Cli.Evaluation;

/// <summary>
/// <c>blazormood eval emotion &lt;folder&gt;</c> on a folder of class-named subfolders: detect → align → classify every
/// image (or take the whole image as the face), print the confusion table and write a JSON report.
/// </summary>
internal static class EmotionFolderEvaluation
{
    /// <summary>Options of the folder evaluation, filled by the command line.</summary>
    internal sealed record Options(bool WholeImage, bool Flip, float? CropScale, float? EyeLine, string? ModelsPath, string? JsonPath, int? Limit);

    public static async Task<int> RunAsync(string folder, Options options, string defaultModels, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        IReadOnlyList<(string Path, string Label)> images;
        try
        {
            images = EmotionEvaluator.FindImages(folder, stderr);
        }
        catch (DirectoryNotFoundException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 2;
        }
        if (options.Limit is { } limit)
        {
            images = images.GroupBy(i => i.Label).SelectMany(g => g.Take(limit)).ToArray();
        }
        if (images.Count == 0)
        {
            await stderr.WriteLineAsync($"No images found in class folders under {folder}.");
            return 2;
        }

        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .AddVision(v =>
            {
                v.ModelsPath = options.ModelsPath ?? defaultModels;
                v.Pose.Enabled = false;
                v.Objects.Enabled = false;
                v.Emotion.FlipAveraging = options.Flip;
                if (options.CropScale is { } cs)
                {
                    v.Emotion.CropScale = cs;
                }
                if (options.EyeLine is { } el)
                {
                    v.Emotion.EyeLine = el;
                }
            });
        await using var provider = services.BuildServiceProvider();
        EmotionEvaluator evaluator;
        try
        {
            evaluator = new EmotionEvaluator(provider.GetRequiredService<FaceDetector>(), provider.GetRequiredService<EmotionClassifier>());
        }
        catch (ModelLoadException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }

        var watch = Stopwatch.StartNew();
        var samples = new List<EmotionSample>(images.Count);
        foreach (var (path, label) in images)
        {
            ct.ThrowIfCancellationRequested();
            samples.Add(evaluator.Evaluate(path, label, options.WholeImage, ct));
            if (samples.Count % 200 == 0)
            {
                await stderr.WriteLineAsync($"… {samples.Count}/{images.Count}");
            }
        }
        var report = ClassificationReport.From(EmotionLabels.All, samples.Select(s => (s.Truth, s.Predicted)));

        await stdout.WriteLineAsync($"emotion evaluation of {folder} ({(options.WholeImage ? "whole image as face" : "detect → align → classify")}" +
                                    $"{(options.Flip ? ", flip-averaged" : "")}) in {watch.Elapsed.TotalSeconds:F1} s");
        await stdout.WriteLineAsync(report.ToTable());

        var jsonPath = Path.GetFullPath(options.JsonPath ?? "eval-emotion.json");
        var json = new
        {
            folder = Path.GetFullPath(folder),
            mode = options.WholeImage ? "whole-image" : "detect",
            flip = options.Flip,
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            report.Total,
            report.Accuracy,
            report.MacroF1,
            misses = report.Misses.Sum(),
            classes = report.Classes,
            confusion = new { labels = report.Labels.Append(ClassificationReport.MissLabel), rows = report.ConfusionRows },
            samples = samples.Select(s => new { path = Path.GetRelativePath(folder, s.Path), truth = s.Truth, predicted = s.Predicted, confidence = s.Confidence, note = s.Note }),
        };
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(json, JsonOptions), ct);
        await stdout.WriteLineAsync($"JSON report: {jsonPath}");
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
