using BlazorMood.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Web.Tests;

/// <summary>Webcam-like JPEG frames made in memory from the real test photos.</summary>
public static class TestFrames
{
    private static readonly Lazy<byte[]> AstronautLazy = new(() => Jpeg(TestAssets.AstronautPng, 320, 240));
    private static readonly Lazy<byte[]> GroupLazy = new(() => Jpeg(TestAssets.FaceApiSample("sample1.jpg"), 640, 480));

    /// <summary>The smiling astronaut fitted into 320×240, JPEG quality 75 (what the browser sends by default).</summary>
    public static byte[] Astronaut => AstronautLazy.Value;

    /// <summary>A group photo of several people fitted into 640×480.</summary>
    public static byte[] Group => GroupLazy.Value;

    public static byte[] Jpeg(string path, int maxWidth, int maxHeight, int quality = 75)
    {
        using var image = Image.Load(path);
        image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(maxWidth, maxHeight), Mode = ResizeMode.Max }));
        using var ms = new MemoryStream();
        image.Save(ms, new JpegEncoder { Quality = quality });
        return ms.ToArray();
    }
}
