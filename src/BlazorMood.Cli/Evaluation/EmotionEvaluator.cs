using BlazorMood.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlazorMood.Cli.Evaluation;

/// <summary>How one image fared.</summary>
public sealed record EmotionSample(string Path, string Truth, string? Predicted, float Confidence, string? Note);

/// <summary>
/// Runs the product's full path (detect → aligned crop → classify) over a folder of class-named subfolders
/// (<c>angry/ disgust/ fear/ happy/ sad/ surprise/ neutral/</c>). An image in which no face is found, or that cannot
/// be read, is a miss. With <c>wholeImage</c> the image itself is taken as the face (pre-cropped datasets such as FER-2013).
/// </summary>
public sealed class EmotionEvaluator(FaceDetector detector, EmotionClassifier classifier)
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".pgm", ".ppm", ".pbm", ".tga",
    };

    /// <summary>Images under <paramref name="root"/> grouped by emotion folder; other folders are reported and ignored.</summary>
    public static IReadOnlyList<(string Path, string Label)> FindImages(string root, TextWriter? warnings = null)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"No such folder: {root}");
        }
        var found = new List<(string, string)>();
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir).ToLowerInvariant();
            if (!EmotionLabels.All.Contains(name))
            {
                warnings?.WriteLine($"skipping folder '{Path.GetFileName(dir)}': not one of {string.Join(", ", EmotionLabels.All)}");
                continue;
            }
            found.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)
                .Select(f => (f, name)));
        }
        return found;
    }

    public EmotionSample Evaluate(string path, string truth, bool wholeImage, CancellationToken ct = default)
    {
        Image<Rgb24> image;
        try
        {
            image = Image.Load<Rgb24>(path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or IOException or NotSupportedException)
        {
            return new EmotionSample(path, truth, null, 0, "unreadable: " + e.Message);
        }
        using (image)
        {
            var frame = RgbFrame.FromImage(image);
            if (wholeImage)
            {
                var p = classifier.ClassifyFaceCrop(frame, ct);
                return new EmotionSample(path, truth, p.Label, p.Confidence, null);
            }
            var faces = detector.Detect(frame, ct);
            if (faces.Count == 0)
            {
                return new EmotionSample(path, truth, null, 0, "no face found");
            }
            // Dataset images show one subject: take the largest face, not a bystander.
            var face = faces.MaxBy(f => f.Box.Area)!;
            var prediction = classifier.Classify(frame, face, ct);
            return new EmotionSample(path, truth, prediction.Label, prediction.Confidence, null);
        }
    }
}
