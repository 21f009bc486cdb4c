using System.Buffers;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision;

/// <summary>
/// Decodes uploads (JPEG, PNG, WebP only) into <see cref="Image{Rgb24}"/> with one contiguous pixel buffer,
/// checking the pixel count from the header before any pixel memory is allocated. Every failure is an
/// <see cref="ImageDecodeException"/>. Thread-safe; the caller disposes the returned image.
/// </summary>
public sealed class ImageDecoder
{
    private readonly ImageDecoderOptions _options;
    private readonly Configuration _configuration;

    public ImageDecoder(IOptions<VisionOptions> options)
        : this(options.Value.Decoder)
    {
    }

    public ImageDecoder(ImageDecoderOptions options)
    {
        _options = options;
        // Only the three formats we accept are registered, so BMP/GIF/TGA… fail format detection instead of decoding.
        _configuration = new Configuration(new JpegConfigurationModule(), new PngConfigurationModule(), new WebpConfigurationModule())
        {
            // RgbFrame.FromImage can then wrap the pixels without a copy.
            PreferContiguousImageBuffers = true,
        };
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    public Image<Rgb24> Decode(ReadOnlyMemory<byte> encodedImage)
    {
        var encoded = encodedImage.Span;
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(ImageDecodeError.Empty, "The image is empty.");
        }
        if (encoded.Length > _options.MaxBytes)
        {
            throw TooManyBytes();
        }
        var format = Image.DetectFormat(_configuration, encoded)
            ?? throw new ImageDecodeException(ImageDecodeError.UnknownFormat, "Unsupported image format: only JPEG, PNG and WebP are accepted.");
        CheckComplete(encoded, format);

        IImageInfo? info;
        try
        {
            using var stream = AsStream(encodedImage);
            info = Image.Identify(_configuration, stream);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw Corrupt(format, e);
        }
        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            throw Corrupt(format, null);
        }
        if ((long)info.Width * info.Height > _options.MaxPixels)
        {
            throw new ImageDecodeException(ImageDecodeError.TooLarge,
                $"The image is {info.Width}x{info.Height} pixels; at most {_options.MaxPixels:N0} pixels are accepted.");
        }

        try
        {
            using var stream = AsStream(encodedImage);
            var image = Image.Load<Rgb24>(_configuration, stream);
            ApplyExifOrientation(image);
            return image;
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or ArgumentException or IndexOutOfRangeException or NotSupportedException)
        {
            throw Corrupt(format, e);
        }
    }

    /// <summary>Reads a stream (at most <see cref="ImageDecoderOptions.MaxBytes"/>) and decodes it.</summary>
    public async Task<Image<Rgb24>> DecodeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= _options.MaxBytes)
                    {
                        throw TooManyBytes();
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, _options.MaxBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > _options.MaxBytes)
                {
                    throw TooManyBytes();
                }
            }
            return Decode(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// ImageSharp decodes some truncated files without complaint (grey lower half). A cheap structural check of the
    /// container's end catches the common case of an upload cut short.
    /// </summary>
    private static void CheckComplete(ReadOnlySpan<byte> data, IImageFormat format)
    {
        var ok = format switch
        {
            PngFormat => data.Length >= 12 && data[^Math.Min(data.Length, 64)..].IndexOf("IEND"u8) >= 0,
            WebpFormat => data.Length >= 12 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4, 4)) + 8L <= data.Length,
            // A JPEG ends with the EOI marker; some cameras append a trailer after it, so look at the last 64 KiB.
            JpegFormat => data.Length >= 4 && data[^Math.Min(data.Length, 65536)..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) >= 0,
            _ => true,
        };
        if (!ok)
        {
            throw new ImageDecodeException(ImageDecodeError.Corrupt, $"The {format.Name} image is truncated (its end marker is missing).");
        }
    }

    /// <summary>
    /// Phone photos are often stored sideways with an EXIF orientation tag; a face lying on its side is not found,
    /// so the pixels are turned upright once here (a no-op without the tag, as for video frames).
    /// </summary>
    private static void ApplyExifOrientation(Image<Rgb24> image)
    {
        var orientation = image.Metadata.ExifProfile?.GetValue(ExifTag.Orientation);
        if (orientation is not null && orientation.Value is > 1 and <= 8)
        {
            image.Mutate(x => x.AutoOrient());
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private ImageDecodeException TooManyBytes() =>
        new(ImageDecodeError.TooLarge, $"The image is larger than {_options.MaxBytes:N0} bytes.");

    private static ImageDecodeException Corrupt(IImageFormat format, Exception? inner) =>
        new(ImageDecodeError.Corrupt, $"The {format.Name} image is corrupt or truncated" + (inner is null ? "." : ": " + inner.Message), inner);
}
