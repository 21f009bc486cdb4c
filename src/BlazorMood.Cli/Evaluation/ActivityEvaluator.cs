using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Video;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ActivityKind = BlazorMood.Video.ActivityKind;

namespace BlazorMood.Cli.Evaluation;

/// <summary>One clip's outcome: its folder's activity, the majority activity by duration (null when the clip failed or nobody was seen), cadence.</summary>
public sealed record ActivitySample(string Path, string Truth, string? Predicted, double? Share, double? CadenceSpm, IReadOnlyList<ActivitySegment> Segments, string? Error, double Seconds);

/// <summary>
/// <c>blazormood eval activity &lt;folder&gt;</c>: runs the whole video pipeline (decode → pose → activity) on every clip
/// under activity-named subfolders (synonyms such as "sleeping", "jogging", "squats" are accepted) and scores the
/// clip-level label, the activity covering most of the clip's duration.
/// </summary>
public static class ActivityEvaluator
{
    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase) { ".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".3gp" };

    /// <summary>Options of <c>eval activity &lt;folder&gt;</c>, filled by the command line.</summary>
    internal sealed record Options(string? Models, string? Json, string? Keep, double Fps, int? Limit);

    public static IReadOnlyList<(string Path, string Label)> FindClips(string root, TextWriter? warnings = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"No such folder: {root}");
        }
        var found = new List<(string, string)>();
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            if (ActivityNames.Parse(Path.GetFileName(dir)) is not { } kind)
            {
                warnings?.WriteLine($"skipping folder '{Path.GetFileName(dir)}': not an activity ({string.Join(", ", ActivityNames.All)})");
                continue;
            }
            found.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => VideoExtensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .Select(f => (f, kind.Label())));
        }
        return found;
    }

    internal static async Task<int> RunAsync(string folder, Options options, string defaultModels, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var (models, json, keep, fps, limit) = options;

        IReadOnlyList<(string Path, string Label)> clips;
        try
        {
            clips = FindClips(folder, stderr);
        }
        catch (DirectoryNotFoundException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 2;
        }
        if (limit is { } l)
        {
            clips = clips.GroupBy(c => c.Label).SelectMany(g => g.Take(l)).ToArray();
        }
        if (clips.Count == 0)
        {
            await stderr.WriteLineAsync($"No clips found in activity folders under {folder}.");
            return 2;
        }

        await using var provider = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .AddVision(v =>
            {
                v.ModelsPath = models ?? defaultModels;
                v.FaceDetector.Enabled = false;
                v.Emotion.Enabled = false;
            })
            .AddVideo(o =>
            {
                o.SampleFps = fps;
                // Evaluation sets hold long clips too; the upload limits do not apply here.
                o.MaxDuration = TimeSpan.FromHours(2);
                o.MaxFileBytes = long.MaxValue;
            })
            .BuildServiceProvider();
        ActivityPipeline pipeline;
        try
        {
            pipeline = provider.GetRequiredService<ActivityPipeline>();
        }
        catch (ModelLoadException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return 1;
        }

        var watch = Stopwatch.StartNew();
        var samples = new List<ActivitySample>();
        var scratch = keep is null ? Path.Combine(Path.GetTempPath(), "blazormood-eval-" + Guid.NewGuid().ToString("N")) : Path.GetFullPath(keep);
        try
        {
            for (var i = 0; i < clips.Count; i++)
            {
                var (path, truth) = clips[i];
                var clipWatch = Stopwatch.StartNew();
                var outDir = Path.Combine(scratch, i.ToString("D4", CultureInfo.InvariantCulture) + "-" + Path.GetFileNameWithoutExtension(path));
                ActivitySample sample;
                try
                {
                    var analysis = await pipeline.RunAsync(path, outDir, null, ct);
                    sample = Score(path, truth, analysis.Activity, clipWatch.Elapsed.TotalSeconds);
                }
                catch (VideoProcessingException e)
                {
                    sample = new ActivitySample(path, truth, null, null, null, [], $"{e.Error}: {e.Message}", clipWatch.Elapsed.TotalSeconds);
                }
                samples.Add(sample);
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{i + 1}/{clips.Count}] {Path.GetRelativePath(folder, path)}: {truth} → {sample.Predicted ?? "(miss)"}{(sample.CadenceSpm is { } c ? $", {c:F0} spm" : "")}{(sample.Error is { } err ? $" ({err})" : "")}"));
            }
        }
        finally
        {
            if (keep is null && Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        var labels = ActivityNames.All;
        var report = ClassificationReport.From(labels, samples.Select(s => (s.Truth, s.Predicted)));
        await stdout.WriteLineAsync($"activity evaluation of {folder}: {samples.Count} clips in {watch.Elapsed.TotalSeconds:F1} s (clip label = majority activity by duration)");
        await stdout.WriteLineAsync(report.ToTable());
        await stdout.WriteLineAsync("cadence per clip (steps/min):");
        foreach (var s in samples.Where(s => s.CadenceSpm is not null))
        {
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {Path.GetRelativePath(folder, s.Path)}: {s.CadenceSpm:F0} ({s.Predicted})"));
        }

        var jsonPath = Path.GetFullPath(json ?? "eval-activity.json");
        var doc = new
        {
            folder = Path.GetFullPath(folder),
            sampleFps = fps,
            date = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            report.Total,
            report.Accuracy,
            report.MacroF1,
            misses = report.Misses.Sum(),
            classes = report.Classes,
            confusion = new { labels = report.Labels.Append(ClassificationReport.MissLabel), rows = report.ConfusionRows },
            clips = samples.Select(s => new
            {
                path = Path.GetRelativePath(folder, s.Path),
                truth = s.Truth,
                predicted = s.Predicted,
                share = s.Share,
                cadenceSpm = s.CadenceSpm,
                error = s.Error,
                seconds = s.Seconds,
                segments = s.Segments.Select(g => new { start = g.Start, end = g.End, activity = g.Label, confidence = g.Confidence, exercise = g.Exercise == ExerciseKind.None ? null : g.Exercise.ToString(), cadenceSpm = g.CadenceSpm }),
            }),
        };
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }), ct);
        await stdout.WriteLineAsync($"JSON report: {jsonPath}");
        return 0;
    }

    /// <summary>The clip's label: the activity with the longest total duration (Unknown = a miss).</summary>
    public static ActivitySample Score(string path, string truth, ActivityResult result, double seconds)
    {
        ArgumentNullException.ThrowIfNull(result);
        var dominant = result.Dominant;
        var share = dominant == ActivityKind.Unknown || result.DurationSeconds <= 0
            ? (double?)null
            : result.Segments.Where(s => s.Activity == dominant).Sum(s => s.Duration) / result.DurationSeconds;
        return new ActivitySample(path, truth, dominant == ActivityKind.Unknown ? null : dominant.Label(), share, result.CadenceSpm, result.Segments, null, seconds);
    }
}
