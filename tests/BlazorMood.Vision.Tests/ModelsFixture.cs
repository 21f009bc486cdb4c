using BlazorMood.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

/// <summary>The real models from <c>models/</c>, loaded once for every test class in the "models" collection.</summary>
public sealed class ModelsFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public ModelsFixture()
    {
        _services = Build(_ => { });
    }

    /// <summary>The shared container (default options).</summary>
    public IServiceProvider Services => _services;

    public FaceDetector Faces => _services.GetRequiredService<FaceDetector>();

    public EmotionClassifier Emotions => _services.GetRequiredService<EmotionClassifier>();

    public FaceExpressionClassifier FaceExpressions => _services.GetRequiredService<FaceExpressionClassifier>();

    public EmotionAnalyzer Analyzer => _services.GetRequiredService<EmotionAnalyzer>();

    public PoseEstimator Poses => _services.GetRequiredService<PoseEstimator>();

    public ObjectDetector Objects => _services.GetRequiredService<ObjectDetector>();

    /// <summary>A separate container with tweaked options (the caller disposes it).</summary>
    public static ServiceProvider Build(Action<VisionOptions> tweak) =>
        new ServiceCollection()
            .AddVision(o =>
            {
                o.ModelsPath = TestAssets.ModelsDir;
                o.ExecutionProvider = ExecutionProvider.Cpu;
                tweak(o);
            })
            .BuildServiceProvider();

    public static Image<Rgb24> Load(string path) => Image.Load<Rgb24>(path);

    public static Image<Rgb24> Astronaut() => Load(TestAssets.AstronautPng);

    /// <summary>The astronaut's photo at 400×400 on a 640×480 black frame, at (120, 40) moved by the offset: a webcam frame of one face.</summary>
    public static Image<Rgb24> AstronautOnFrame(int dx = 0, int dy = 0)
    {
        using var photo = Astronaut();
        photo.Mutate(c => c.Resize(400, 400));
        var frame = new Image<Rgb24>(640, 480);
        frame.Mutate(c => c.DrawImage(photo, new Point(120 + dx, 40 + dy), 1f));
        return frame;
    }

    /// <summary><see cref="AstronautOnFrame"/> as a JPEG.</summary>
    public static byte[] AstronautFrame(int dx = 0, int dy = 0)
    {
        using var frame = AstronautOnFrame(dx, dy);
        return frame.ToJpeg();
    }

    public static Image<Rgb24> FaceApi(int n) => Load(TestAssets.FaceApiSample($"sample{n}.jpg"));

    /// <summary>The first thumbnail of Human's samples.jpg: one woman standing, full body, on a white background.</summary>
    public static Image<Rgb24> StandingPerson() => Load(TestAssets.HumanAsset("samples.jpg")).CloneAndDispose(c => c.Crop(new Rectangle(0, 0, 160, 158)));

    public void Dispose() => _services.Dispose();
}

[CollectionDefinition("models")]
public sealed class ModelsCollection : ICollectionFixture<ModelsFixture>
{
}

internal static class ImageExtensions
{
    public static Image<Rgb24> CloneAndDispose(this Image<Rgb24> image, Action<IImageProcessingContext> operation)
    {
        using (image)
        {
            return image.Clone(operation);
        }
    }

    public static byte[] ToJpeg(this Image<Rgb24> image)
    {
        using var ms = new MemoryStream();
        image.SaveAsJpeg(ms);
        return ms.ToArray();
    }

    public static bool Contains(this ImageBox box, ImagePoint p) => p.X >= box.X && p.X <= box.Right && p.Y >= box.Y && p.Y <= box.Bottom;
}
