using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Cli.Emotion;
using BlazorMood.Cli.Evaluation;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Cli;

/// <summary>The <c>blazormood</c> command line: evaluation of the models on labelled data the user points it at.</summary>
public static class CliApp
{
    private const string Usage = """
        usage:
          blazormood eval emotion <folder> [options]
            <folder> holds class-named subfolders: angry/ disgust/ fear/ happy/ sad/ surprise/ neutral/
            --whole-image        treat each image as the face (pre-cropped datasets such as FER-2013)
            --flip               average the prediction with the mirrored crop
            --crop-scale <f>     crop side as a multiple of the face scale (default from configuration)
            --eye-line <f>       eye line position in the crop, 0..1 from the top
            --models <dir>       folder with the ONNX models (default: ./models, else the repository's)
            --json <file>        where to write the JSON report (default: eval-emotion.json)
            --limit <n>          at most n images per class
        """ + "\n" + EmotionCommands.Usage + "\n" + ActivityEvaluator.Usage + Training.ActivityCommands.Usage;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        if (args.Length >= 2 && args[0] == "train" && args[1] == "emotion-fusion")
        {
            return await EmotionCommands.TrainAsync(args[2..], stdout, stderr, ct);
        }
        if (args.Length >= 3 && args[0] == "eval" && args[1] == "emotion" && (EmotionCommands.IsDevSet(args[2]) || args[2].StartsWith("--", StringComparison.Ordinal)))
        {
            return await EmotionCommands.EvalAsync(args[2..], DefaultModelsPath(), stdout, stderr, ct);
        }
        if (args.Length >= 2 && args[0] == "devdata" && args[1] == "tracks")
        {
            return await Training.ActivityCommands.TracksAsync(args[2..], DefaultModelsPath(), stdout, stderr, ct);
        }
        if (args.Length >= 2 && args[0] == "eval" && args[1] == "falls")
        {
            return await Training.ActivityCommands.FallsAsync(args[2..], stdout, stderr, ct);
        }
        if (args.Length >= 2 && args[0] == "train" && args[1] == "activity")
        {
            return await Training.ActivityCommands.TrainAsync(args[2..], stdout, stderr, ct);
        }
        if (args.Length >= 3 && args[0] == "eval" && args[1] == "activity" && args[2] == "--tracks")
        {
            return await Training.ActivityCommands.EvalAsync(args[2..], stdout, stderr, ct);
        }
        if (args.Length >= 2 && args[0] == "eval" && args[1] == "activity")
        {
            return await ActivityEvaluator.RunAsync(args[2..], DefaultModelsPath(), stdout, stderr, ct);
        }
        if (args.Length < 3 || args[0] != "eval" || args[1] != "emotion")
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        var folder = args[2];
        var options = ParseOptions(args.AsSpan(3), stderr);
        if (options is null)
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

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
                v.ModelsPath = options.ModelsPath ?? DefaultModelsPath();
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

    internal sealed record EvalOptions(bool WholeImage, bool Flip, float? CropScale, float? EyeLine, string? ModelsPath, string? JsonPath, int? Limit);

    internal static EvalOptions? ParseOptions(ReadOnlySpan<string> args, TextWriter stderr)
    {
        bool whole = false, flip = false;
        float? cropScale = null, eyeLine = null;
        string? models = null, json = null;
        int? limit = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next(ReadOnlySpan<string> a, ref int j) => j + 1 < a.Length ? a[++j] : throw new FormatException($"{a[j]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--whole-image": whole = true; break;
                    case "--flip": flip = true; break;
                    case "--crop-scale": cropScale = float.Parse(Next(args, ref i), CultureInfo.InvariantCulture); break;
                    case "--eye-line": eyeLine = float.Parse(Next(args, ref i), CultureInfo.InvariantCulture); break;
                    case "--models": models = Next(args, ref i); break;
                    case "--json": json = Next(args, ref i); break;
                    case "--limit": limit = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture); break;
                    default:
                        stderr.WriteLine($"unknown option {args[i]}");
                        return null;
                }
            }
            catch (FormatException e)
            {
                stderr.WriteLine(e.Message);
                return null;
            }
        }
        return new EvalOptions(whole, flip, cropScale, eyeLine, models, json, limit);
    }

    /// <summary>./models when it exists, else the repository's models/ above the executable.</summary>
    private static string DefaultModelsPath()
    {
        if (File.Exists(Path.Combine("models", "emotion.onnx")))
        {
            return Path.GetFullPath("models");
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models");
            if (File.Exists(Path.Combine(candidate, "emotion.onnx")))
            {
                return candidate;
            }
        }
        return Path.GetFullPath("models");
    }
}
