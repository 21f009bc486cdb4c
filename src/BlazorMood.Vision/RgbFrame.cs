using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlazorMood.Vision;

/// <summary>
/// A read-only view of tightly packed 24-bit RGB pixels (row-major, 3 bytes a pixel, no padding).
/// The vision components sample directly from it, so video frames (ffmpeg <c>rgb24</c>) and decoded
/// images go through the same code without an ImageSharp copy or resize.
/// The caller keeps the memory alive and unchanged for the duration of a call.
/// </summary>
public readonly struct RgbFrame
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Memory<Rgb24> _pixels;
    private readonly bool _usesPixels;

    public RgbFrame(ReadOnlyMemory<byte> rgb24, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb24.Length < checked(width * height * 3))
        {
            throw new ArgumentException($"Expected at least {width * height * 3} bytes for {width}x{height} rgb24, got {rgb24.Length}.", nameof(rgb24));
        }
        _bytes = rgb24;
        _pixels = default;
        _usesPixels = false;
        Width = width;
        Height = height;
    }

    private RgbFrame(Memory<Rgb24> pixels, int width, int height)
    {
        _bytes = default;
        _pixels = pixels;
        _usesPixels = true;
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixels as bytes R,G,B,R,G,B…; <c>Width * Height * 3</c> long.</summary>
    public ReadOnlySpan<byte> Bytes => _usesPixels
        ? MemoryMarshal.AsBytes(_pixels.Span)[..(Width * Height * 3)]
        : _bytes.Span[..(Width * Height * 3)];

    /// <summary>
    /// Wraps an image without copying when its pixels are one contiguous buffer (images from
    /// <see cref="ImageDecoder"/> always are); otherwise copies them once.
    /// </summary>
    public static RgbFrame FromImage(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.DangerousTryGetSinglePixelMemory(out var memory))
        {
            return new RgbFrame(memory, image.Width, image.Height);
        }
        var copy = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(copy);
        return new RgbFrame(copy, image.Width, image.Height);
    }
}
