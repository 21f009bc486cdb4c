using System.Buffers;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision;

/// <summary>
/// Decodes uploads (JPEG, PNG, WebP only) into <see cref="Image{Rgb24}"/> with one contiguous pixel buffer,
/// checking the pixel count from the header before any pixel memory is allocated. Every failure is an
/// <see cref="ImageDecodeException"/>. Thread-safe; the caller disposes the returned image.
/// <para>
/// Uploads come from anyone with an account, so decoding is defensive: a PNG's ancillary chunks are walked before
/// ImageSharp sees the file (a compressed text or ICC chunk is a decompression bomb a few hundred KB long, and the
/// pixel-count check never sees it), PNG metadata is never inflated, every buffer the decoder allocates is capped,
/// and at most <see cref="ImageDecoderOptions.MaxConcurrentDecodes"/> decodes run at once process-wide (the rest
/// wait <see cref="ImageDecoderOptions.QueueTimeout"/>, then fail as <see cref="ImageDecodeError.Busy"/>).
/// </para>
/// </summary>
public sealed class ImageDecoder : IDisposable
{
    private readonly ImageDecoderOptions _options;
    private readonly Configuration _configuration;
    // Text and ICC chunks are of no use to emotion analysis; skipping them means ImageSharp never inflates them.
    private readonly PngDecoder _png = new() { IgnoreMetadata = true };
    private readonly SemaphoreSlim _slots;

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
            // A header can lie about what the data holds; no single buffer may outgrow the limit, whatever it says.
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = options.MaxAllocationMegabytes,
                MaximumPoolSizeMegabytes = options.MaxPoolMegabytes,
            }),
        };
        var slots = options.MaxConcurrentDecodes > 0 ? options.MaxConcurrentDecodes : Environment.ProcessorCount;
        _slots = new SemaphoreSlim(slots, slots);
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
        if (format is PngFormat)
        {
            CheckPngChunks(encoded);
        }
        var decoder = format is PngFormat ? _png : _configuration.ImageFormatsManager.FindDecoder(format);

        using var slot = AcquireSlot();
        IImageInfo? info;
        try
        {
            using var stream = AsStream(encodedImage);
            info = ((IImageInfoDetector)decoder).Identify(_configuration, stream, CancellationToken.None);
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
            var image = Image.Load<Rgb24>(_configuration, stream, decoder);
            ApplyExifOrientation(image);
            return image;
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new ImageDecodeException(ImageDecodeError.TooLarge, "The image needs more memory to decode than is allowed.", e);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or ArgumentException or IndexOutOfRangeException or NotSupportedException)
        {
            throw Corrupt(format, e);
        }
    }

    /// <summary>
    /// One of the process-wide decode slots, waited for at most <see cref="ImageDecoderOptions.QueueTimeout"/>.
    /// The wait blocks (decoding is synchronous), which is why it is short and why the callers bound their own
    /// concurrency first: the live hub to one analysis per core, the API by its rate limit.
    /// </summary>
    internal IDisposable AcquireSlot()
    {
        if (!_slots.Wait(_options.QueueTimeout))
        {
            throw new ImageDecodeException(ImageDecodeError.Busy,
                "The server is decoding as many images as it can right now; try again in a moment.");
        }
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>
    /// Walks the PNG's chunk list (lengths only: no inflation, no allocation) and refuses what a real photo or webcam
    /// frame never needs: a chunk running past the end of the file, compressed metadata (zTXt, compressed iTXt, iCCP)
    /// larger than <see cref="ImageDecoderOptions.MaxCompressedChunkBytes"/>, any ancillary chunk larger than
    /// <see cref="ImageDecoderOptions.MaxAncillaryChunkBytes"/>, or more ancillary bytes in all than that times four.
    /// </summary>
    private void CheckPngChunks(ReadOnlySpan<byte> png)
    {
        const int signature = 8;
        var at = signature;
        long ancillaryTotal = 0;
        while (at + 8 <= png.Length)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.Slice(at, 4));
            var type = png.Slice(at + 4, 4);
            // Length, type, data and CRC: a chunk that claims more than the file holds is damage or a trap.
            if (length > int.MaxValue || at + 12L + length > png.Length)
            {
                throw new ImageDecodeException(ImageDecodeError.Corrupt, "The PNG image is corrupt: a chunk is longer than the file.");
            }
            var name = System.Text.Encoding.ASCII.GetString(type);
            // Bit 5 of the first letter (lower case) marks an ancillary chunk; critical ones (IHDR, PLTE, IDAT, IEND) are upper case.
            if ((type[0] & 0x20) != 0)
            {
                var compressed = name is "zTXt" or "iCCP"
                    || (name == "iTXt" && IsCompressedItxt(png.Slice(at + 8, (int)length)));
                var limit = compressed ? _options.MaxCompressedChunkBytes : _options.MaxAncillaryChunkBytes;
                ancillaryTotal += length;
                if (length > limit || ancillaryTotal > _options.MaxAncillaryChunkBytes * 4L)
                {
                    // Over the memory budget rather than damaged: 413 for uploads, TooLarge for live frames.
                    throw new ImageDecodeException(ImageDecodeError.TooLarge,
                        $"The PNG image carries a {name} metadata chunk of {length:N0} bytes; at most {limit:N0} are accepted (metadata is not needed).");
                }
            }
            if (name == "IEND")
            {
                return;
            }
            at += 12 + (int)length;
        }
    }

    /// <summary>iTXt: keyword, NUL, then the compression flag.</summary>
    private static bool IsCompressedItxt(ReadOnlySpan<byte> data)
    {
        var nul = data.IndexOf((byte)0);
        return nul < 0 || nul + 1 >= data.Length || data[nul + 1] != 0;
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

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }

    private ImageDecodeException TooManyBytes() =>
        new(ImageDecodeError.TooLarge, $"The image is larger than {_options.MaxBytes:N0} bytes.");

    private static ImageDecodeException Corrupt(IImageFormat format, Exception? inner) =>
        new(ImageDecodeError.Corrupt, $"The {format.Name} image is corrupt or truncated" + (inner is null ? "." : ": " + inner.Message), inner);
}
