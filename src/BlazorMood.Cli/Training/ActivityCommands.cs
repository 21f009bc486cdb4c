using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Cli.Evaluation;
using BlazorMood.Training.Activity;
using BlazorMood.Video;
using BlazorMood.Vision;
using ActivityKind = BlazorMood.Video.ActivityKind;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Cli.Training;

/// <summary>
/// <c>blazormood devdata tracks</c>, <c>blazormood train activity</c> and <c>blazormood eval activity --tracks</c>:
/// keypoint tracks from the development clips, the learned window classifier from tracks + motion capture + synthetic
/// motion, and its leave-one-source-out evaluation.
/// </summary>
public static class ActivityCommands
{
    internal const string DefaultTracks = ".cache/devdata/activity-tracks";
    internal const string DefaultMirror = "/work/.mirror";

    /// <summary>Options of the three commands, filled by the command line.</summary>
    internal sealed record DataOptions(string Tracks, string Mirror, int Seed, int SyntheticPerLabel, int MocapPerLabel, string Out, string? Json, double Fps, IReadOnlySet<string> Excluded, string? Reference, string? PoseModel, string? Windows, double RealWeight = ActivityTrainer.DefaultRealWeight);

    /// <summary>Default of <c>devdata tracks --out</c>: next to the clips folder.</summary>
    internal static string DefaultTracksOut(string clipsFolder) => clipsFolder.TrimEnd('/') + "-tracks";

    internal static async Task<int> TracksAsync(string clipsFolder, DataOptions options, string defaultModels, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var folder = clipsFolder.TrimEnd('/');
        if (!Directory.Exists(folder))
        {
            await stderr.WriteLineAsync($"No such folder: {folder}");
            return 2;
        }
        var sources = ReadManifest(Path.Combine(folder, "manifest.tsv"));
        var clips = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".mp4" or ".mov" or ".avi" or ".mkv" or ".webm" or ".m4v")
            .Order(StringComparer.Ordinal).ToArray();
        await using var provider = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .AddVision(v =>
            {
                v.ModelsPath = defaultModels;
                if (options.PoseModel is { } poseModel)
                {
                    v.Pose.FileName = poseModel;
                }
                v.FaceDetector.Enabled = false;
                v.Emotion.Enabled = false;
            })
            .AddVideo(o =>
            {
                o.SampleFps = options.Fps;
                o.MaxDuration = TimeSpan.FromHours(2);
                o.MaxFileBytes = long.MaxValue;
                // Tracks are the input of training: what the windows are labelled with does not matter here.
                o.Model.Enabled = false;
            })
            .BuildServiceProvider();
        var pipeline = provider.GetRequiredService<ActivityPipeline>();
        var scratch = Path.Combine(Path.GetTempPath(), "blazormood-tracks-" + Guid.NewGuid().ToString("N"));
        var written = 0;
        try
        {
            foreach (var clip in clips)
            {
                var relative = Path.GetRelativePath(folder, clip).Replace('\\', '/');
                var label = Path.GetDirectoryName(relative)!.Replace('\\', '/');
                var target = Path.Combine(options.Out, label, Path.GetFileNameWithoutExtension(clip) + ".json");
                if (File.Exists(target))
                {
                    written++;
                    continue;
                }
                try
                {
                    var analysis = await pipeline.RunAsync(clip, Path.Combine(scratch, written.ToString(CultureInfo.InvariantCulture)), null, ct);
                    var source = sources.GetValueOrDefault(relative) ?? Path.GetFileName(clip).Split("__")[0];
                    var track = KeypointTrack.From(relative, source, label, analysis.Frames / analysis.SampleFps, analysis.Observations);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await File.WriteAllTextAsync(target, track.ToJson(), ct);
                    written++;
                    await stderr.WriteLineAsync($"{relative}: {analysis.Observations.Count(o => o.Pose is not null)}/{analysis.Observations.Count} frames with a pose");
                }
                catch (VideoProcessingException e)
                {
                    await stderr.WriteLineAsync($"{relative}: skipped ({e.Error}: {e.Message})");
                }
            }
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        await stdout.WriteLineAsync($"{written} keypoint tracks in {options.Out}");
        return written > 0 ? 0 : 1;
    }

    internal static async Task<int> FallsAsync(DataOptions options, TextWriter stdout, CancellationToken ct)
    {
        var report = await FallReportAsync(options.Tracks, stdout);
        if (options.Json is { } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, ActivityModelCard.JsonOptions), ct);
        }
        return 0;
    }

    /// <param name="args">the command's words after <c>train activity</c>, recorded in the model card.</param>
    internal static async Task<int> TrainAsync(DataOptions options, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var clips = await CollectAsync(options, stderr, ct);
        var classifier = TreeClassifier();
        var rows = ActivityDataset.Windows(clips, classifier);
        if (options.Windows is { } dump)
        {
            // The training windows as a table, to look at what separates the classes.
            await File.WriteAllLinesAsync(dump, rows.Select(r => string.Join('\t', new[] { r.Label, r.Source, r.Kind, r.ClipId }.Concat(r.Features.Select(f => f.ToString(CultureInfo.InvariantCulture))))).Prepend(string.Join('\t', new[] { "label", "source", "kind", "clip" }.Concat(ActivityFeatureVector.Names))), ct);
        }
        var trained = ActivityTrainer.Train(rows, new ActivityTrainer.Options(options.Seed, RealWeight: options.RealWeight));
        var card = Card(clips, rows, trained, options, "blazormood train activity " + string.Join(' ', args));
        ActivityModelFiles.Write(options.Out, trained, card);
        await stdout.WriteLineAsync($"trained on {rows.Count} windows of {clips.Count} clips in {watch.Elapsed.TotalSeconds:F0} s → {options.Out} ({trained.Onnx.Length / 1024} KB)");
        foreach (var s in card.Sources)
        {
            await stdout.WriteLineAsync($"  {s.Id,-18} {s.Kind,-9} {s.Clips,5} clips {s.Windows,6} windows  ({s.Licence})");
        }
        return 0;
    }

    internal static async Task<int> EvalAsync(DataOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var clips = await CollectAsync(options, stderr, ct);
        var rows = ActivityDataset.Windows(clips, TreeClassifier());
        var results = new List<(LabelledClip Clip, string? Predicted, double? Cadence)>();
        var perSource = new List<object>();
        var scratch = Path.Combine(Path.GetTempPath(), "blazormood-loso-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            foreach (var source in clips.Select(c => c.Source).Distinct().Order(StringComparer.Ordinal))
            {
                var trained = ActivityTrainer.Train(rows.Where(r => r.Source != source).ToArray(), new ActivityTrainer.Options(options.Seed, RealWeight: options.RealWeight));
                var path = Path.Combine(scratch, source + ".onnx");
                ActivityModelFiles.Write(path, trained, Card(clips, rows, trained, options, "loso"));
                var (classifier, model) = ActivityModelFiles.Load(path);
                using (model)
                {
                    var held = clips.Where(c => c.Source == source).ToArray();
                    var predictions = held.Select(c =>
                    {
                        var result = classifier.Classify(c.Observations, c.DurationSeconds, ct);
                        return (Clip: c, Predicted: result.Dominant == ActivityKind.Unknown ? null : result.Dominant.Label(), Cadence: result.CadenceSpm);
                    }).ToArray();
                    results.AddRange(predictions);
                    var right = predictions.Count(p => p.Predicted == Truth(p.Clip));
                    perSource.Add(new { source, kind = held[0].Kind, clips = held.Length, correct = right, accuracy = right / (double)held.Length });
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"held out {source,-18} ({held[0].Kind,-9}): {right,4}/{held.Length,-4} = {100.0 * right / held.Length:F1} %"));
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        // The hand-set decision tree (the classifier before the learned model) on the same real clips, for comparison.
        var tree = TreeClassifier();
        var realClips = clips.Where(c => c.Kind == "real").ToArray();
        var treeRight = realClips.Count(c => tree.Classify(c.Observations, c.DurationSeconds, ct).Dominant.Label() == Truth(c));
        if (realClips.Length > 0)
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"hand-set decision tree on the same real clips: {treeRight}/{realClips.Length} = {100.0 * treeRight / realClips.Length:F1} %"));
        }
        var falls = await FallReportAsync(options.Tracks, stdout);
        var json = new Dictionary<string, object>
        {
            ["falls"] = falls,
            ["treeBaselineRealAccuracy"] = realClips.Length > 0 ? treeRight / (double)realClips.Length : double.NaN,
            ["date"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["seed"] = options.Seed,
            ["perSource"] = perSource,
        };
        foreach (var kind in new[] { "real", "mocap", "synthetic" })
        {
            var part = results.Where(r => r.Clip.Kind == kind).ToArray();
            if (part.Length == 0)
            {
                continue;
            }
            var report = ClassificationReport.From(ActivityNames.All, part.Select(r => (Truth(r.Clip), r.Predicted)));
            await stdout.WriteLineAsync($"\nleave-one-source-out, {kind} clips ({part.Length}):");
            await stdout.WriteLineAsync(report.ToTable());
            json[kind] = new
            {
                report.Total,
                report.Accuracy,
                report.MacroF1,
                classes = report.Classes,
                confusion = new { labels = report.Labels.Append(ClassificationReport.MissLabel), rows = report.ConfusionRows },
                clips = part.Select(r => new { id = r.Clip.Id, source = r.Clip.Source, truth = r.Clip.Label, predicted = r.Predicted, cadenceSpm = r.Cadence }),
            };
        }
        // Cadence against steps counted on the motion itself (motion capture), for clips read as walking or running.
        var cadence = results.Where(r => r.Clip.CountedCadenceSpm is not null && r.Cadence is not null)
            .Select(r => (r.Clip, Error: (r.Cadence!.Value - r.Clip.CountedCadenceSpm!.Value) / r.Clip.CountedCadenceSpm.Value)).ToArray();
        if (cadence.Length > 0)
        {
            await stdout.WriteLineAsync("\ncadence at 10 fps against counted steps (motion capture: foot strikes in 3D; real: torso-bounce peaks at 30 fps):");
            foreach (var group in cadence.GroupBy(c => $"{c.Clip.Kind} {c.Clip.Label}").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var errors = group.Select(g => Math.Abs(g.Error)).Order().ToArray();
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {group.Key,-14} n={errors.Length,4}  median |error| {100 * errors[errors.Length / 2]:F1} %  within ±5 %: {100.0 * errors.Count(e => e <= 0.05) / errors.Length:F0} %  counted {group.Average(g => g.Clip.CountedCadenceSpm!.Value):F0} spm on average"));
            }
            foreach (var (clip, error) in cadence.Where(c => c.Clip.Kind == "real"))
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"    {clip.Id}: counted {clip.CountedCadenceSpm:F0} spm, estimated {clip.CountedCadenceSpm * (1 + error):F0} ({100 * error:+0.0;-0.0} %)"));
            }
            json["cadence"] = cadence.Select(c => new { id = c.Clip.Id, label = c.Clip.Label, counted = c.Clip.CountedCadenceSpm, error = c.Error });
        }
        var jsonPath = Path.GetFullPath(options.Json ?? "eval-activity-loso.json");
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(json, ActivityModelCard.JsonOptions), ct);
        await stdout.WriteLineAsync($"JSON report: {jsonPath} ({watch.Elapsed.TotalSeconds:F0} s)");
        return 0;
    }

    /// <summary>
    /// The fall flag (<see cref="FallDetector"/>, a rule: no model involved) on every real track, the falling clips the
    /// model does not learn included: how many falling clips it flags, and how many clips of each other label it flags
    /// by mistake.
    /// </summary>
    private static async Task<object> FallReportAsync(string tracksFolder, TextWriter stdout)
    {
        var options = new VideoOptions();
        var clips = Directory.Exists(tracksFolder)
            ? Directory.EnumerateFiles(tracksFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => KeypointTrack.FromJson(File.ReadAllText(f)))
                .Select(t => (t.Clip, t.Label, Falls: FallDetector.Detect(t.ToObservations(), options.MinKeypointScore)))
                .ToArray()
            : [];
        var byLabel = clips.GroupBy(c => c.Label == "falling" ? "falling" : c.Label.Split('/')[0]).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new { label = g.Key, clips = g.Count(), flagged = g.Count(c => c.Falls.Count > 0) }).ToArray();
        await stdout.WriteLineAsync("\nfall flag (rule, no training) on every real track: clips flagged per label");
        foreach (var row in byLabel)
        {
            await stdout.WriteLineAsync($"  {row.label,-12} {row.flagged,3}/{row.clips}");
        }
        var falling = clips.Where(c => c.Label == "falling").ToArray();
        var others = clips.Where(c => c.Label != "falling").ToArray();
        foreach (var c in clips.Where(c => (c.Label == "falling") != (c.Falls.Count > 0)))
        {
            await stdout.WriteLineAsync($"    {(c.Label == "falling" ? "missed" : "false alarm")}: {c.Clip} {string.Join(' ', c.Falls.Select(t => t.ToString("F1", CultureInfo.InvariantCulture) + " s"))}");
        }
        return new
        {
            recall = falling.Length > 0 ? falling.Count(c => c.Falls.Count > 0) / (double)falling.Length : double.NaN,
            falseAlarmRate = others.Length > 0 ? others.Count(c => c.Falls.Count > 0) / (double)others.Length : double.NaN,
            perLabel = byLabel,
            clips = clips.Select(c => new { id = c.Clip, label = c.Label, falls = c.Falls }),
        };
    }

    /// <summary>The clip-level truth in the product's terms: the exercises are "exercising".</summary>
    private static string Truth(LabelledClip clip) => ActivityModel.ParseClass(clip.Label).Kind.Label();

    private static async Task<IReadOnlyList<LabelledClip>> CollectAsync(DataOptions options, TextWriter log, CancellationToken ct)
    {
        var real = ActivityDataset.RealClips(options.Tracks);
        if (options.Reference is { } referenceDir)
        {
            // Steps counted on the full-rate track of the same clip (same file name), where one was extracted.
            var references = Directory.Exists(referenceDir)
                ? Directory.EnumerateFiles(referenceDir, "*.json", SearchOption.AllDirectories).ToDictionary(f => Path.GetFileName(f), f => f)
                : [];
            real = real.Select(c => references.TryGetValue(Path.GetFileNameWithoutExtension(c.Id) + ".json", out var file)
                ? c with { CountedCadenceSpm = ReferenceCadence.StepsPerMinute(KeypointTrack.FromJson(File.ReadAllText(file)).ToObservations()) }
                : c).ToArray();
        }
        if (real.Count == 0)
        {
            await log.WriteLineAsync($"no real keypoint tracks under {options.Tracks} (scripts/devdata.sh, then blazormood devdata tracks): training on generated motion only");
        }
        var synthetic = ActivityDataset.SyntheticClips(options.SyntheticPerLabel, new Random(options.Seed), options.Seed);
        var mocap = options.MocapPerLabel > 0
            ? await ActivityDataset.MocapClipsAsync(options.Mirror, new Random(options.Seed + 1), options.MocapPerLabel, 1, log, ct)
            : [];
        var frozen = ActivityDataset.FrozenClips(real, new Random(options.Seed + 2), 3, TreeClassifier());
        return [.. real.Concat(frozen).Concat(mocap).Concat(synthetic).Where(c => !options.Excluded.Contains(c.Source))];
    }

    private static ActivityClassifier TreeClassifier() => new(Microsoft.Extensions.Options.Options.Create(new VideoOptions()));

    private static ActivityModelCard Card(IReadOnlyList<LabelledClip> clips, IReadOnlyList<WindowRow> rows, ActivityTrainer.Trained trained, DataOptions options, string command)
    {
        var licences = MocapCatalog.All.ToDictionary(r => r.Source, r => r.Licence);
        licences[SyntheticMotions.Source] = "generated by this project";
        // Real clips: the licence their recipe records (the same source has one licence note throughout).
        var recipes = Path.Combine("devdata", "recipes", "activity.tsv");
        if (File.Exists(recipes))
        {
            foreach (var cols in File.ReadLines(recipes).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).Where(c => c.Length >= 9 && c[0] == "activity"))
            {
                licences.TryAdd(cols[1], cols[8]);
            }
        }
        var sources = clips.GroupBy(c => c.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ActivityModelSource(g.Key, g.First().Kind, licences.GetValueOrDefault(g.Key, "see devdata/recipes/activity.tsv"), g.Count(), rows.Count(r => r.Source == g.Key)))
            .ToArray();
        return new ActivityModelCard(trained.Classes, ActivityFeatureVector.Names, "ML.NET 6.0 LightGBM multiclass, exported with Microsoft.ML.OnnxConverter 0.24",
            command, options.Seed, sources, rows.GroupBy(r => r.Label).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
    }

    private static Dictionary<string, string> ReadManifest(string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path).Skip(1))
            {
                var cols = line.Split('\t');
                if (cols.Length >= 2)
                {
                    map[cols[0]] = cols[1];
                }
            }
        }
        return map;
    }
}
