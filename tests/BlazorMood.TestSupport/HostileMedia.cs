using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BlazorMood.TestSupport;

/// <summary>
/// Hostile files built byte by byte at test time (nothing third-party, nothing committed): PNGs with decompression
/// bombs in their ancillary chunks, huge declared dimensions, truncations, polyglots and playlists posing as videos.
/// The security probe suite posts them to a live host; the unit tests feed them to the decoders directly.
/// </summary>
public static class HostileMedia
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A valid 1×1 grey PNG (IHDR, IDAT, IEND), optionally with extra chunks between IHDR and IDAT.</summary>
    public static byte[] Png(int width = 1, int height = 1, params (string Type, byte[] Data)[] extraChunks)
    {
        using var ms = new MemoryStream();
        ms.Write(PngSignature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // greyscale
        WriteChunk(ms, "IHDR", ihdr);
        foreach (var (type, data) in extraChunks)
        {
            WriteChunk(ms, type, data);
        }
        // One scanline per row (filter byte + pixels) for small images; huge declared sizes get one row only, which is
        // enough for the header to be read and the size check to fire.
        var rows = (long)width * height <= 1 << 20 ? height : 1;
        var raw = new byte[Math.Clamp(rows * (width + 1L), 0, 1 << 16)];
        WriteChunk(ms, "IDAT", Zlib(raw));
        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A 1×1 PNG with one zTXt chunk that inflates to <paramref name="inflatedBytes"/> (about 1000:1).</summary>
    public static byte[] PngWithZtxtBomb(int inflatedBytes = 200 * 1024 * 1024, int chunks = 1)
    {
        var bomb = Zlib(new byte[inflatedBytes]);
        var data = Concat(Encoding.Latin1.GetBytes("Comment\0"), [0], bomb);
        return Png(1, 1, Enumerable.Repeat(("zTXt", data), chunks).ToArray());
    }

    /// <summary>A 1×1 PNG with a compressed iTXt chunk inflating to <paramref name="inflatedBytes"/>.</summary>
    public static byte[] PngWithItxtBomb(int inflatedBytes = 200 * 1024 * 1024)
    {
        var bomb = Zlib(new byte[inflatedBytes]);
        // keyword\0, compression flag 1, method 0, language tag\0, translated keyword\0, compressed text.
        var data = Concat(Encoding.Latin1.GetBytes("XML:com.adobe.xmp\0"), [1, 0], [0], [0], bomb);
        return Png(1, 1, ("iTXt", data));
    }

    /// <summary>A 1×1 PNG with an iCCP (ICC profile) chunk inflating to <paramref name="inflatedBytes"/>.</summary>
    public static byte[] PngWithIccpBomb(int inflatedBytes = 200 * 1024 * 1024)
    {
        var bomb = Zlib(new byte[inflatedBytes]);
        var data = Concat(Encoding.Latin1.GetBytes("icc\0"), [0], bomb);
        return Png(1, 1, ("iCCP", data));
    }

    /// <summary>A 1×1 PNG with a plain tEXt chunk of <paramref name="bytes"/> bytes.</summary>
    public static byte[] PngWithLargeText(int bytes) =>
        Png(1, 1, ("tEXt", Concat(Encoding.Latin1.GetBytes("Comment\0"), Enumerable.Repeat((byte)'a', bytes).ToArray())));

    /// <summary>A small harmless PNG with a short tEXt comment, as image editors write them.</summary>
    public static byte[] PngWithSmallText() =>
        Png(8, 8, ("tEXt", Encoding.Latin1.GetBytes("Software\0BlazorMood tests")));

    /// <summary>A PNG whose header declares <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    public static byte[] PngWithHugeDimensions(int width = 100_000, int height = 100_000) => Png(width, height);

    /// <summary>A PNG whose chunk claims to be longer than the file.</summary>
    public static byte[] PngWithLyingChunkLength()
    {
        var png = Png(4, 4);
        // The IDAT length field sits right after the 8-byte signature and the 25-byte IHDR chunk.
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(8 + 25), int.MaxValue);
        return png;
    }

    /// <summary>An HLS playlist naming a file on the server, to be uploaded under a video's name.</summary>
    public static byte[] HlsPlaylist(string referencedPath) => Encoding.ASCII.GetBytes(
        $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n{referencedPath}\n#EXT-X-ENDLIST\n");

    /// <summary>An ffconcat script naming a file on the server.</summary>
    public static byte[] ConcatScript(string referencedPath) => Encoding.ASCII.GetBytes($"ffconcat version 1.0\nfile '{referencedPath}'\n");

    /// <summary>
    /// The deterministic corpus of the probe suite: at least 100 hostile or malformed files, each with a name, the file
    /// name it is uploaded under and its bytes. Sizes are kept small so the whole corpus posts in seconds.
    /// </summary>
    public static IReadOnlyList<HostileFile> Corpus(string existingServerFile)
    {
        var files = new List<HostileFile>();
        var random = new Random(1515);
        var good = Png(16, 16);

        files.Add(new("ztxt-bomb-200MiB", "bomb.png", PngWithZtxtBomb()));
        files.Add(new("ztxt-bomb-x3", "bomb3.png", PngWithZtxtBomb(64 * 1024 * 1024, 3)));
        files.Add(new("itxt-bomb", "itxt.png", PngWithItxtBomb()));
        files.Add(new("iccp-bomb", "iccp.png", PngWithIccpBomb()));
        files.Add(new("large-text-1MiB", "text.png", PngWithLargeText(1024 * 1024)));
        files.Add(new("huge-dimensions", "huge.png", PngWithHugeDimensions()));
        files.Add(new("huge-width", "wide.png", PngWithHugeDimensions(2_000_000_000, 1)));
        files.Add(new("lying-chunk-length", "lying.png", PngWithLyingChunkLength()));
        files.Add(new("zero-dimensions", "zero.png", Png(0, 0)));
        files.Add(new("negative-dimensions", "neg.png", Png(-1, -1)));
        files.Add(new("empty", "empty.png", []));
        files.Add(new("signature-only", "sig.png", PngSignature.ToArray()));
        files.Add(new("hls-playlist-as-mp4", "clip.mp4", HlsPlaylist(existingServerFile)));
        files.Add(new("hls-playlist-missing-target", "clip2.mp4", HlsPlaylist("/nonexistent/" + Guid.Empty + ".avi")));
        files.Add(new("ffconcat-as-mp4", "concat.mp4", ConcatScript(existingServerFile)));
        files.Add(new("m3u8-url", "remote.mp4", HlsPlaylist("http://127.0.0.1:1/x.ts")));
        files.Add(new("html-as-jpeg", "page.jpg", Encoding.UTF8.GetBytes("<!doctype html><script>alert(1)</script>")));
        files.Add(new("svg-as-png", "image.png", Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")));
        files.Add(new("gif", "a.gif", Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00\x00\x00\x00;")));
        files.Add(new("bmp-header", "a.bmp", Concat(Encoding.ASCII.GetBytes("BM"), new byte[60])));
        files.Add(new("jpeg-soi-only", "a.jpg", [0xFF, 0xD8, 0xFF]));
        files.Add(new("jpeg-soi-eoi", "b.jpg", [0xFF, 0xD8, 0xFF, 0xD9]));
        files.Add(new("jpeg-huge-sof", "c.jpg", JpegWithHugeFrame()));
        files.Add(new("webp-riff-lie", "a.webp", Concat(Encoding.ASCII.GetBytes("RIFF"), [0xFF, 0xFF, 0xFF, 0x7F], Encoding.ASCII.GetBytes("WEBPVP8 "), new byte[16])));
        files.Add(new("png-then-zip", "polyglot.png", Concat(good, [0x50, 0x4B, 0x03, 0x04], new byte[64])));
        files.Add(new("zip-then-png", "polyglot2.png", Concat([0x50, 0x4B, 0x03, 0x04], new byte[26], good)));
        files.Add(new("png-then-html", "polyglot3.png", Concat(good, Encoding.UTF8.GetBytes("<script>alert(1)</script>"))));
        files.Add(new("elf-as-mp4", "run.mp4", Concat([0x7F, (byte)'E', (byte)'L', (byte)'F'], new byte[256])));
        files.Add(new("mp4-ftyp-only", "ftyp.mp4", Concat([0, 0, 0, 0x18], Encoding.ASCII.GetBytes("ftypisom"), new byte[12])));
        files.Add(new("mp4-box-size-lie", "box.mp4", Concat([0x7F, 0xFF, 0xFF, 0xFF], Encoding.ASCII.GetBytes("ftypisom"), new byte[64])));

        // Truncations of a valid PNG at every interesting length.
        foreach (var cut in new[] { 1, 4, 8, 12, 16, 20, 24, 29, 33, 37, 41, 45, 50, good.Length - 13, good.Length - 4, good.Length - 1 })
        {
            if (cut > 0 && cut < good.Length)
            {
                files.Add(new($"png-truncated-{cut}", $"cut{cut}.png", good[..cut]));
            }
        }
        // Bit flips in a valid PNG (header, chunk lengths, data), seeded so every run sends the same files.
        for (var i = 0; i < 30; i++)
        {
            var flipped = good.ToArray();
            var at = random.Next(8, flipped.Length);
            flipped[at] ^= (byte)(1 << random.Next(8));
            files.Add(new($"png-bitflip-{i}-at-{at}", $"flip{i}.png", flipped));
        }
        // Random noise under image and video names.
        for (var i = 0; i < 20; i++)
        {
            var noise = new byte[random.Next(1, 4096)];
            random.NextBytes(noise);
            files.Add(new($"noise-{i}", i % 2 == 0 ? $"noise{i}.png" : $"noise{i}.mp4", noise));
        }
        // Known magic numbers followed by garbage.
        byte[][] magics =
        [
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF, 0xE0], [0x1A, 0x45, 0xDF, 0xA3],
            [0x47, 0x40, 0x00, 0x10], [0x00, 0x00, 0x01, 0xBA], Encoding.ASCII.GetBytes("RIFF\x10\0\0\0AVI "),
            Encoding.ASCII.GetBytes("OggS"), Encoding.ASCII.GetBytes("fLaC"), Encoding.ASCII.GetBytes("ID3\x04"),
            Encoding.ASCII.GetBytes("%PDF-1.7"),
        ];
        foreach (var magic in magics)
        {
            var tail = new byte[512];
            random.NextBytes(tail);
            files.Add(new($"magic-{Convert.ToHexString(magic[..4])}", "magic.bin", Concat(magic, tail)));
        }
        return files;
    }

    /// <summary>A JPEG with a start-of-frame declaring 65500×65500 pixels and no scan data.</summary>
    private static byte[] JpegWithHugeFrame()
    {
        byte[] sof = [0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xFF, 0xDC, 0xFF, 0xDC, 0x01, 0x01, 0x11, 0x00];
        return Concat([0xFF, 0xD8], sof, [0xFF, 0xD9]);
    }

    public static byte[] Zlib(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }
        return ms.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, Crc32(Crc32(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu);
        output.Write(crcBytes);
    }

    // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), bitwise: the corpus is small.
    private static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return crc;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }
        return result;
    }
}

/// <summary>One file of the hostile corpus.</summary>
public sealed record HostileFile(string Name, string FileName, byte[] Content)
{
    public override string ToString() => Name;
}
