using System.Text.RegularExpressions;
using BlazorMood.Vision;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Cli.Emotion;

/// <summary>One labelled image of the assembled development set.</summary>
public sealed record DevImage(string Path, string File, string Source, string Group, string Label);

/// <summary>
/// The emotion development set as <c>scripts/devdata.sh --set emotion</c> assembles it
/// (<c>&lt;root&gt;/&lt;label&gt;/&lt;source&gt;__&lt;name&gt;</c> and <c>manifest.tsv</c>), sampled per source and class, and
/// run through the product's path: each face is placed in a frame (as a camera would see it), BlazeFace finds it, and
/// both models classify their own crop of it.
/// </summary>
public static partial class EmotionDevSet
{
    /// <summary>
    /// Up to <paramref name="perClass"/> images of each (source, class), chosen by a seeded shuffle of the file names,
    /// so the same arguments give the same sample on every machine.
    /// </summary>
    public static IReadOnlyList<DevImage> Load(string root, int perClass, int seed, IReadOnlyCollection<string>? sources = null)
    {
        var manifest = Path.Combine(root, "manifest.tsv");
        if (!File.Exists(manifest))
        {
            throw new DirectoryNotFoundException($"{manifest} not found: assemble the set with scripts/devdata.sh --set emotion.");
        }
        var images = new List<DevImage>();
        foreach (var line in File.ReadLines(manifest).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length < 3 || !EmotionLabels.All.Contains(f[2]))
            {
                continue;
            }
            if (sources is { Count: > 0 } && !sources.Contains(f[1]))
            {
                continue;
            }
            var name = System.IO.Path.GetFileName(f[0]);
            images.Add(new DevImage(System.IO.Path.Combine(root, f[0]), name, f[1], GroupOf(f[1], name), f[2]));
        }
        return images
            .GroupBy(i => (i.Source, i.Label))
            .OrderBy(g => g.Key.Source, StringComparer.Ordinal).ThenBy(g => g.Key.Label, StringComparer.Ordinal)
            .SelectMany(g =>
            {
                var list = g.OrderBy(i => i.File, StringComparer.Ordinal).ToList();
                var rng = new Random(seed);
                for (var i = list.Count - 1; i > 0; i--)
                {
                    var j = rng.Next(i + 1);
                    (list[i], list[j]) = (list[j], list[i]);
                }
                return list.Take(perClass).OrderBy(i => i.File, StringComparer.Ordinal);
            })
            .ToList();
    }

    /// <summary>CK+ holds three frames of each subject's sequence: the subject (S###) is the group. Elsewhere each file is its own.</summary>
    public static string GroupOf(string source, string file)
    {
        var m = SubjectPattern().Match(file);
        return source == "ckplus" && m.Success ? m.Value : file;
    }

    [GeneratedRegex(@"S\d{3}")]
    private static partial Regex SubjectPattern();

    /// <summary>
    /// The image scaled so its height is <paramref name="faceFraction"/> of the frame's, centred on a mid-grey
    /// <paramref name="width"/>×<paramref name="height"/> frame (dataset faces are crops; the product sees camera frames).
    /// </summary>
    public static Image<Rgb24> PlaceInFrame(Image<Rgb24> face, int width, int height, float faceFraction)
    {
        var scale = MathF.Min(height * faceFraction / face.Height, width * 0.9f / face.Width);
        var w = Math.Max(1, (int)MathF.Round(face.Width * scale));
        var h = Math.Max(1, (int)MathF.Round(face.Height * scale));
        using var resized = face.Clone(c => c.Resize(w, h, KnownResamplers.Triangle));
        var frame = new Image<Rgb24>(width, height, new Rgb24(128, 128, 128));
        frame.Mutate(c => c.DrawImage(resized, new Point((width - w) / 2, (height - h) / 2), 1f));
        return frame;
    }

    /// <summary>Classifiers for one framing configuration (each owns an ONNX session).</summary>
    public static (EmotionClassifier Human, FaceExpressionClassifier FaceApi) Classifiers(ModelSessionFactory sessions, VisionOptions options) =>
        (new EmotionClassifier(sessions, Options.Create(options), NullLogger<EmotionClassifier>.Instance),
         new FaceExpressionClassifier(sessions, Options.Create(options), NullLogger<FaceExpressionClassifier>.Instance));

    /// <summary>
    /// Both models on one image: detect in the framed image and classify each model's crop; when no face is found, each
    /// model classifies the original picture as a whole (as a dataset crop).
    /// </summary>
    public static EmotionFeatureRow Extract(DevImage image, FaceDetector detector, EmotionClassifier human, FaceExpressionClassifier faceApi,
        int frameWidth, int frameHeight, float faceFraction, CancellationToken ct, Func<RgbFrame, DetectedFace, DetectedFace>? follow = null)
    {
        using var picture = Image.Load<Rgb24>(image.Path);
        using var framed = PlaceInFrame(picture, frameWidth, frameHeight, faceFraction);
        var frame = RgbFrame.FromImage(framed);
        var faces = detector.Detect(frame, 1, ct);
        if (faces.Count == 0)
        {
            var crop = RgbFrame.FromImage(picture);
            return Row(image, false, human.ClassifyFaceCrop(crop, ct), faceApi.ClassifyFaceCrop(crop, ct));
        }
        if (follow is not null)
        {
            faces = [follow(frame, faces[0])];
        }
        return Row(image, true, human.Classify(frame, faces, ct)[0], faceApi.Classify(frame, faces, ct)[0]);
    }

    public static EmotionFeatureRow Row(DevImage image, bool detected, EmotionPrediction human, EmotionPrediction faceApi) =>
        new(image.Source, image.File, image.Group, image.Label, detected,
            EmotionLabels.All.Select(l => human.Probabilities[l]).ToArray(),
            EmotionLabels.All.Select(l => faceApi.Probabilities[l]).ToArray());
}
