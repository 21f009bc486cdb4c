using System.Diagnostics;
using System.Globalization;
using System.Text;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Cli.Emotion;

/// <summary>
/// <c>blazormood eval emotion &lt;devset&gt;</c> (each model alone, their average and the fusion, per development source)
/// and <c>blazormood train emotion-fusion</c>.
/// </summary>
public static class EmotionCommands
{
    /// <summary>Options of <c>eval emotion &lt;devset&gt;</c> and <c>train emotion-fusion</c>, filled by the command line.</summary>
    internal sealed class Args
    {
        public string? Root;
        public int PerClass = 300;
        public int Seed = 1;
        public List<string> Sources = [];
        public int FrameWidth = 320;
        public int FrameHeight = 240;
        public float FaceFraction = 0.6f;
        public string? Features;
        public List<string> FromFeatures = [];
        public string? Fusion;
        public bool Sweep;
        public string? Report;
        public string? Out;
        public float L2 = 1f;
        public float ClassBalance = 0.5f;
        public string? Models;
        public List<(float, float)>? HumanGrid;
        public List<(float, float)>? FaceApiGrid;
        public bool? FaceApiFlip;
        public bool Tracked;
        public float TrackShift = 0.15f;
    }

    /// <summary>True when <paramref name="folder"/> is an assembled development set (it has a manifest).</summary>
    public static bool IsDevSet(string folder) => File.Exists(Path.Combine(folder, "manifest.tsv"));

    internal static async Task<int> EvalAsync(Args o, string modelsPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        modelsPath = o.Models ?? modelsPath;
        IReadOnlyList<EmotionFeatureRow> rows;
        var data = new StringBuilder();
        if (o.Root is not null && (o.Features is not null || o.FromFeatures.Count == 0 || o.Sweep))
        {
            IReadOnlyList<DevImage> images;
            try
            {
                images = EmotionDevSet.Load(o.Root, o.PerClass, o.Seed, o.Sources);
            }
            catch (DirectoryNotFoundException e)
            {
                await stderr.WriteLineAsync(e.Message);
                return 2;
            }
            data.Append(CultureInfo.InvariantCulture, $"{images.Count} faces from {Path.GetFullPath(o.Root)} (≤ {o.PerClass} per source and class, seed {o.Seed}), ");
            data.Append(CultureInfo.InvariantCulture, $"each placed at {o.FaceFraction:0.##} of the height of a {o.FrameWidth}×{o.FrameHeight} grey frame");
            await using var provider = new ServiceCollection()
                .AddLogging(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
                .AddVision(v =>
                {
                    v.ModelsPath = modelsPath;
                    v.Pose.Enabled = false;
                    v.Objects.Enabled = false;
                    // Each model as the product runs it (its default crop and mirror averaging), so the features the
                    // fusion learns from are the ones it gets at run time.
                    v.EmotionFusion.Enabled = false;
                    v.FaceExpression.FlipAveraging = o.FaceApiFlip ?? v.FaceExpression.FlipAveraging;
                })
                .BuildServiceProvider();
            var sessions = provider.GetRequiredService<ModelSessionFactory>();
            var detector = provider.GetRequiredService<FaceDetector>();
            var baseOptions = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<VisionOptions>>().Value;
            if (o.Sweep)
            {
                return await SweepAsync(images, sessions, detector, baseOptions, o, stdout, stderr, ct);
            }
            var (human, faceApi) = EmotionDevSet.Classifiers(sessions, baseOptions);
            Func<RgbFrame, DetectedFace, DetectedFace>? follow = null;
            var lost = 0;
            var (sizeRatios, shiftsX, shiftsY) = (new List<float>(), new List<float>(), new List<float>());
            if (o.Tracked)
            {
                var tracker = provider.GetRequiredService<TrackingFaceDetector>();
                var jitter = new Random(o.Seed);
                // As on a stream: the face moved a little since the box the tracker starts from; a lost face is found by
                // the whole-frame detector again (the face it already has).
                follow = (frame, face) =>
                {
                    var b = face.Box;
                    var scale = 1 + (((float)jitter.NextDouble() * 2) - 1) * (o.TrackShift * 2 / 3);
                    var dx = (((float)jitter.NextDouble() * 2) - 1) * o.TrackShift * b.Width;
                    var dy = (((float)jitter.NextDouble() * 2) - 1) * o.TrackShift * b.Height;
                    var c = b.Center;
                    var moved = new ImageBox(c.X + dx - (b.Width * scale / 2), c.Y + dy - (b.Height * scale / 2), b.Width * scale, b.Height * scale);
                    if (tracker.Refind(frame, face with { Box = moved }, ct) is { } again)
                    {
                        sizeRatios.Add(again.Box.Width / b.Width);
                        shiftsX.Add((again.Box.Center.X - c.X) / b.Width);
                        shiftsY.Add((again.Box.Center.Y - c.Y) / b.Width);
                        return again;
                    }
                    lost++;
                    return face;
                };
                data.Append(CultureInfo.InvariantCulture,
                    $", each face found again by the tracking detector from its box moved by up to {o.TrackShift:P0} and resized by up to {o.TrackShift * 2 / 3:P0} of its side (seeded)");
            }
            var watch = Stopwatch.StartNew();
            var extracted = new List<EmotionFeatureRow>(images.Count);
            foreach (var image in images)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    extracted.Add(EmotionDevSet.Extract(image, detector, human, faceApi, o.FrameWidth, o.FrameHeight, o.FaceFraction, ct, follow));
                }
                catch (Exception e) when (e is SixLabors.ImageSharp.UnknownImageFormatException or SixLabors.ImageSharp.InvalidImageContentException or IOException)
                {
                    await stderr.WriteLineAsync($"skipping {image.Path}: {e.Message}");
                }
                if (extracted.Count % 500 == 0)
                {
                    await stderr.WriteLineAsync($"… {extracted.Count}/{images.Count} ({watch.Elapsed.TotalSeconds:F0} s)");
                }
            }
            human.Dispose();
            faceApi.Dispose();
            rows = extracted;
            if (o.Tracked)
            {
                var followed = sizeRatios.Count;
                data.Append(CultureInfo.InvariantCulture, $"; the tracker found {followed} of {followed + lost} detected faces again (the {lost} others were classified on the whole-frame box)");
                if (followed > 0)
                {
                    static string Median(List<float> v) => v.Order().ElementAt(v.Count / 2).ToString("F3", CultureInfo.InvariantCulture);
                    data.Append(CultureInfo.InvariantCulture,
                        $"; against the whole-frame box, the tracker's box has a median side ratio of {Median(sizeRatios)} and its centre is moved by {Median(shiftsX)} (x) and {Median(shiftsY)} (y) of the side");
                }
            }
            if (o.Features is not null)
            {
                EmotionFeatureFile.Write(o.Features, rows);
                await stdout.WriteLineAsync($"features: {Path.GetFullPath(o.Features)} ({rows.Count} faces)");
            }
        }
        else
        {
            rows = o.FromFeatures.SelectMany(EmotionFeatureFile.Read).ToList();
            data.Append(CultureInfo.InvariantCulture, $"{rows.Count} faces from the feature file(s) {string.Join(", ", o.FromFeatures)}");
        }

        var fusionPath = o.Fusion ?? Path.Combine(modelsPath, "emotion-fusion.json");
        EmotionFusionModel? fusion = File.Exists(fusionPath) ? EmotionFusionModel.Load(fusionPath) : null;
        var settings = fusion is null ? new FusionSettings() : SettingsOf(fusion);
        var loso = FusionValidation.LeaveOneSourceOut(rows, settings);
        var kfold = FusionValidation.GroupedKFold(rows, settings);
        var md = new StringBuilder();
        md.Append("Data: ").Append(data).Append(".\n");
        md.Append(CultureInfo.InvariantCulture, $"Faces found by BlazeFace: {rows.Count(r => r.Detected)} of {rows.Count} (the others were classified as whole pictures).\n\n");
        foreach (var source in rows.Select(r => r.Source).Distinct().Order(StringComparer.Ordinal).Append("all"))
        {
            var subset = source == "all" ? rows : rows.Where(r => r.Source == source).ToList();
            md.Append(CultureInfo.InvariantCulture, $"### {source}\n\n").Append(EmotionScore.Header()).Append('\n');
            var scores = new List<EmotionScore>
            {
                EmotionScore.Of("Human mini-Xception", subset, FusionValidation.Human),
                EmotionScore.Of("face-api expression net", subset, FusionValidation.FaceApi),
                EmotionScore.Of("mean of both", subset, FusionValidation.Average),
            };
            if (source != "all" && loso.Count > 0 && subset.All(loso.ContainsKey))
            {
                scores.Add(EmotionScore.Of("fusion, trained on the other sources", subset, r => loso[r]));
            }
            var cv = EmotionScore.Of("fusion, grouped 5-fold (held out)", subset, r => kfold[r]);
            scores.Add(cv);
            if (fusion is not null)
            {
                scores.Add(EmotionScore.Of("fusion as committed (trained on these rows)", subset, FusionValidation.Using(fusion)));
            }
            foreach (var s in scores)
            {
                md.Append(s.ToRow()).Append('\n');
            }
            md.Append("\nConfusion of the held-out 5-fold fusion (rows: truth, columns: prediction):\n\n").Append(cv.ConfusionTable()).Append('\n');
        }
        await stdout.WriteLineAsync(md.ToString());
        if (o.Report is not null)
        {
            await File.WriteAllTextAsync(o.Report, md.ToString(), ct);
        }
        return 0;
    }

    private static FusionSettings SettingsOf(EmotionFusionModel model)
    {
        float F(string key, float fallback) => model.Training.TryGetValue(key, out var v) && float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : fallback;
        return new FusionSettings((int)F("seed", 1), F("l2", 1), F("classBalance", 0.5f));
    }

    private static async Task<int> SweepAsync(IReadOnlyList<DevImage> images, ModelSessionFactory sessions, FaceDetector detector, VisionOptions baseOptions,
        Args o, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        // Detect once per image; every framing configuration classifies the same detected face.
        var faces = new List<(DevImage Image, SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> Frame, DetectedFace Face)>();
        foreach (var image in images)
        {
            using var picture = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(image.Path);
            var framed = EmotionDevSet.PlaceInFrame(picture, o.FrameWidth, o.FrameHeight, o.FaceFraction);
            var found = detector.Detect(RgbFrame.FromImage(framed), 1, ct);
            if (found.Count == 0)
            {
                framed.Dispose();
                continue;
            }
            faces.Add((image, framed, found[0]));
        }
        await stderr.WriteLineAsync($"sweep: {faces.Count} of {images.Count} faces found");
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"Framing sweep on {faces.Count} detected faces (≤ {o.PerClass} per source and class, seed {o.Seed}); accuracy % per source.\n\n");
        var sources = faces.Select(f => f.Image.Source).Distinct().Order(StringComparer.Ordinal).ToList();
        md.Append("| model | configuration | ").Append(string.Join(" | ", sources)).Append(" | mean |\n|---|---|").Append(string.Concat(Enumerable.Repeat("---:|", sources.Count + 1))).Append('\n');

        void Report(string model, string config, Func<RgbFrame, DetectedFace, EmotionPrediction> classify)
        {
            var accs = sources.Select(s =>
            {
                var subset = faces.Where(f => f.Image.Source == s).ToList();
                return subset.Count(f => classify(RgbFrame.FromImage(f.Frame), f.Face).Label == f.Image.Label) / (double)subset.Count;
            }).ToList();
            md.Append(CultureInfo.InvariantCulture, $"| {model} | {config} | {string.Join(" | ", accs.Select(a => (a * 100).ToString("F1", CultureInfo.InvariantCulture)))} | {accs.Average() * 100:F1} |\n");
        }

        var humanGrid = o.HumanGrid ?? new[] { 2.4f, 2.6f, 2.8f, 3.0f, 3.2f }.SelectMany(scale => new[] { 0.36f, 0.40f, 0.44f }.Select(eye => (scale, eye))).ToList();
        foreach (var (scale, eye) in humanGrid)
        {
            {
                var v = Clone(baseOptions);
                v.Emotion.CropScale = scale;
                v.Emotion.EyeLine = eye;
                var (human, faceApi) = EmotionDevSet.Classifiers(sessions, v);
                faceApi.Dispose();
                Report("Human", $"CropScale {scale:0.0}, EyeLine {eye:0.00}", (f, d) => human.Classify(f, [d], ct)[0]);
                human.Dispose();
            }
        }
        var faceApiGrid = new[] { 0.9f, 1.0f, 1.1f, 1.2f, 1.4f }.SelectMany(box => new[] { -0.05f, 0f, 0.05f, 0.1f }.Select(shift => (box, shift, align: false)))
            .Concat([(1.0f, 0f, true), (1.2f, 0.05f, true)]);
        if (o.FaceApiGrid is not null)
        {
            faceApiGrid = o.FaceApiGrid.Select(g => (g.Item1, g.Item2, false));
        }
        foreach (var (box, shift, align) in faceApiGrid)
        {
            var v = Clone(baseOptions);
            v.FaceExpression.BoxScale = box;
            v.FaceExpression.ShiftY = shift;
            v.FaceExpression.AlignEyes = align;
            var (human, faceApi) = EmotionDevSet.Classifiers(sessions, v);
            human.Dispose();
            Report("face-api", $"BoxScale {box:0.0}, ShiftY {shift:0.00}{(align ? ", eyes aligned" : "")}", (f, d) => faceApi.Classify(f, [d], ct)[0]);
            faceApi.Dispose();
        }
        foreach (var f in faces)
        {
            f.Frame.Dispose();
        }
        await stdout.WriteLineAsync(md.ToString());
        if (o.Report is not null)
        {
            await File.WriteAllTextAsync(o.Report, md.ToString(), ct);
        }
        return 0;
    }

    private static VisionOptions Clone(VisionOptions b) => new()
    {
        ModelsPath = b.ModelsPath,
        ExecutionProvider = b.ExecutionProvider,
        IntraOpThreads = b.IntraOpThreads,
        Emotion = new EmotionOptions
        {
            FileName = b.Emotion.FileName, AlignEyes = b.Emotion.AlignEyes, CropScale = b.Emotion.CropScale, EyeLine = b.Emotion.EyeLine,
            FaceScaleFromEyes = b.Emotion.FaceScaleFromEyes, MouthToEyeRatio = b.Emotion.MouthToEyeRatio, SourceResolution = b.Emotion.SourceResolution,
            FlipAveraging = b.Emotion.FlipAveraging,
        },
        FaceExpression = new FaceExpressionOptions
        {
            FileName = b.FaceExpression.FileName, BoxScale = b.FaceExpression.BoxScale, ShiftY = b.FaceExpression.ShiftY,
            AlignEyes = b.FaceExpression.AlignEyes, FlipAveraging = b.FaceExpression.FlipAveraging,
        },
    };

    /// <param name="args">the command's words after <c>train emotion-fusion</c>, recorded (without --out) in the weights file.</param>
    internal static async Task<int> TrainAsync(Args o, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o.Out);
        IReadOnlyList<EmotionFeatureRow> rows;
        try
        {
            rows = o.FromFeatures.SelectMany(EmotionFeatureFile.Read).ToList();
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            await stderr.WriteLineAsync(e.Message);
            return 2;
        }
        var settings = new FusionSettings(o.Seed, o.L2, o.ClassBalance);
        var model = FusionTrainer.Train(rows, settings, new Dictionary<string, string>
        {
            // The command without --out (where this file goes), so the same training gives the same bytes anywhere.
            ["command"] = "blazormood train emotion-fusion " + string.Join(' ', args.Where((a, i) => a != "--out" && (i == 0 || args[i - 1] != "--out")).Select(a => a.Replace('\\', '/'))),
            ["data"] = string.Join(", ", rows.GroupBy(r => r.Source).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}")),
        });
        // Record the in-sample accuracy per source: the CI test checks that the committed weights keep it on the fixture.
        var recorded = new Dictionary<string, string>(model.Training);
        foreach (var g in rows.GroupBy(r => r.Source))
        {
            var accuracy = EmotionScore.Of("fused", g.ToList(), FusionValidation.Using(model)).Report.Accuracy;
            recorded["fixtureAccuracy." + g.Key] = accuracy.ToString("0.0000", CultureInfo.InvariantCulture);
        }
        model = model with { Training = new Dictionary<string, string>(recorded.OrderBy(p => p.Key, StringComparer.Ordinal)) };
        var bytes = FusionTrainer.Serialize(model);
        var dir = Path.GetDirectoryName(Path.GetFullPath(o.Out))!;
        Directory.CreateDirectory(dir);
        await File.WriteAllBytesAsync(o.Out + ".tmp", bytes, ct);
        File.Move(o.Out + ".tmp", o.Out, overwrite: true);
        await stdout.WriteLineAsync($"fusion weights: {Path.GetFullPath(o.Out)} ({rows.Count} faces, sha256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))})");

        var loso = FusionValidation.LeaveOneSourceOut(rows, settings);
        var kfold = FusionValidation.GroupedKFold(rows, settings);
        var md = new StringBuilder();
        foreach (var source in rows.Select(r => r.Source).Distinct().Order(StringComparer.Ordinal).Append("all"))
        {
            var subset = source == "all" ? rows : rows.Where(r => r.Source == source).ToList();
            md.Append(CultureInfo.InvariantCulture, $"### {source}\n\n").Append(EmotionScore.Header()).Append('\n');
            md.Append(EmotionScore.Of("Human mini-Xception", subset, FusionValidation.Human).ToRow()).Append('\n');
            md.Append(EmotionScore.Of("face-api expression net", subset, FusionValidation.FaceApi).ToRow()).Append('\n');
            md.Append(EmotionScore.Of("mean of both", subset, FusionValidation.Average).ToRow()).Append('\n');
            if (source != "all" && subset.All(loso.ContainsKey))
            {
                md.Append(EmotionScore.Of("fusion, trained on the other sources", subset, r => loso[r]).ToRow()).Append('\n');
            }
            md.Append(EmotionScore.Of("fusion, grouped 5-fold (held out)", subset, r => kfold[r]).ToRow()).Append('\n');
            md.Append(EmotionScore.Of("fusion trained on all rows (in-sample)", subset, FusionValidation.Using(model)).ToRow()).Append("\n\n");
        }
        await stdout.WriteLineAsync(md.ToString());
        if (o.Report is not null)
        {
            await File.WriteAllTextAsync(o.Report, md.ToString(), ct);
        }
        return 0;
    }
}
