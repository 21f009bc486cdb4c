using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlazorMood.Cli.Tests;

/// <summary>Finds a face with the real detector, to build dataset-style crops in tests.</summary>
internal static class FaceCrop
{
    public static Rectangle OfLargestFace(Image<Rgb24> image, string modelsDir)
    {
        using var provider = new ServiceCollection().AddVision(v =>
        {
            v.ModelsPath = modelsDir;
            v.ExecutionProvider = ExecutionProvider.Cpu;
        }).BuildServiceProvider();
        var face = provider.GetRequiredService<FaceDetector>().Detect(image).MaxBy(f => f.Box.Area)
                   ?? throw new InvalidOperationException("no face in the test photo");
        // Brow to chin: the eye line sits ~40% down a square about 2.2 eye-distances wide.
        var side = face.Landmarks.EyeDistance * 2.2f;
        var c = face.Landmarks.EyeCenter;
        var box = new Rectangle((int)(c.X - (side / 2)), (int)(c.Y - (side * 0.4f)), (int)side, (int)side);
        box.Intersect(new Rectangle(0, 0, image.Width, image.Height));
        return box;
    }
}
