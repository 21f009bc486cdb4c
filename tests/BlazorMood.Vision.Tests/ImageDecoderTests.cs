using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlazorMood.Vision.Tests;

public sealed class ImageDecoderTests : IDisposable
{
    private readonly ImageDecoder _decoder = new(new ImageDecoderOptions());

    public void Dispose() => _decoder.Dispose();

    private static byte[] Encode(SixLabors.ImageSharp.Formats.IImageEncoder encoder, int width = 120, int height = 80)
    {
        using var image = new Image<Rgb24>(width, height);
        // A gradient, so that compressed data is not trivially small.
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 2), (byte)(y * 3), (byte)((x + y) % 256));
            }
        }
        using var ms = new MemoryStream();
        image.Save(ms, encoder);
        return ms.ToArray();
    }

    public static TheoryData<string> Formats => ["jpeg", "png", "webp"];

    private static byte[] EncodeAs(string format, int width = 120, int height = 80) => format switch
    {
        "jpeg" => Encode(new JpegEncoder { Quality = 90 }, width, height),
        "png" => Encode(new PngEncoder(), width, height),
        _ => Encode(new WebpEncoder { FileFormat = WebpFileFormatType.Lossy }, width, height),
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decodes_supported_formats_into_a_contiguous_rgb_image(string format)
    {
        using var image = _decoder.Decode(EncodeAs(format));
        Assert.Equal(120, image.Width);
        Assert.Equal(80, image.Height);
        Assert.True(image.DangerousTryGetSinglePixelMemory(out _));
        // The gradient survives (lossy formats within a tolerance).
        Assert.InRange(image[100, 10].R, 185, 215);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Decodes_from_a_stream(string format)
    {
        using var stream = new MemoryStream(EncodeAs(format));
        using var image = await _decoder.DecodeAsync(stream);
        Assert.Equal(120, image.Width);
    }

    [Fact]
    public void Empty_input_is_rejected()
    {
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(Array.Empty<byte>()));
        Assert.Equal(ImageDecodeError.Empty, e.Error);
    }

    [Fact]
    public void Unsupported_formats_are_rejected_as_unknown()
    {
        foreach (var bytes in new[] { Encode(new BmpEncoder()), Encode(new GifEncoder()), "hello, this is not an image"u8.ToArray() })
        {
            var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(bytes));
            Assert.Equal(ImageDecodeError.UnknownFormat, e.Error);
            Assert.Contains("JPEG, PNG and WebP", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Truncated_images_are_rejected_as_corrupt(string format)
    {
        var bytes = EncodeAs(format, 300, 200);
        foreach (var keep in new[] { 0.3, 0.6, 0.9 })
        {
            var cut = bytes[..(int)(bytes.Length * keep)];
            var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(cut));
            Assert.Equal(ImageDecodeError.Corrupt, e.Error);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Damaged_headers_are_rejected_as_corrupt(string format)
    {
        var bytes = EncodeAs(format, 300, 200);
        // Keep the signature (so the format is recognised) and the end marker, scramble what follows the signature.
        var rng = new Random(7);
        for (var i = 12; i < 200; i++)
        {
            bytes[i] = (byte)rng.Next(256);
        }
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(bytes));
        Assert.Equal(ImageDecodeError.Corrupt, e.Error);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Images_over_the_pixel_limit_are_rejected_as_too_large(string format)
    {
        using var decoder = new ImageDecoder(new ImageDecoderOptions { MaxPixels = 100 * 100 });
        var e = Assert.Throws<ImageDecodeException>(() => decoder.Decode(EncodeAs(format, 120, 90)));
        Assert.Equal(ImageDecodeError.TooLarge, e.Error);
        Assert.Contains("120x90", e.Message, StringComparison.Ordinal);
        using var fits = decoder.Decode(EncodeAs(format, 100, 100));
    }

    [Fact]
    public async Task Streams_over_the_byte_limit_are_rejected_as_too_large()
    {
        var bytes = EncodeAs("png", 300, 300);
        using var decoder = new ImageDecoder(new ImageDecoderOptions { MaxBytes = bytes.Length - 1 });
        using var stream = new MemoryStream(bytes);
        var e = await Assert.ThrowsAsync<ImageDecodeException>(() => decoder.DecodeAsync(stream));
        Assert.Equal(ImageDecodeError.TooLarge, e.Error);
    }

    [Fact]
    public void Exif_orientation_is_applied_so_phone_photos_come_out_upright()
    {
        using var stored = new Image<Rgb24>(120, 80, new Rgb24(0, 0, 255));
        // Mark the stored top-left corner red.
        for (var y = 0; y < 10; y++)
        {
            for (var x = 0; x < 10; x++)
            {
                stored[x, y] = new Rgb24(255, 0, 0);
            }
        }
        stored.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        // 6 = the stored picture must be turned 90° clockwise to be viewed upright.
        stored.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);
        using var ms = new MemoryStream();
        stored.SaveAsJpeg(ms);

        using var image = _decoder.Decode(ms.ToArray());

        Assert.Equal((80, 120), (image.Width, image.Height));
        Assert.True(image[75, 4].R > 200 && image[75, 4].B < 60, "stored top-left should now be top-right");
        Assert.True(image.DangerousTryGetSinglePixelMemory(out _));
    }
}
