using BlazorMood.TestSupport;

namespace BlazorMood.Vision.Tests;

/// <summary>
/// Decompression bombs and lying headers (issue 15, finding 1): a 1×1 PNG whose text or ICC chunk inflates to 200 MiB
/// once took seconds and over a gigabyte per request. The decoder must refuse it before inflating anything.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class ImageDecoderHostileTests : IDisposable
{
    private readonly ImageDecoder _decoder = new(new ImageDecoderOptions());

    public void Dispose() => _decoder.Dispose();

    public static TheoryData<string> Bombs => ["ztxt", "ztxt-x3", "itxt", "iccp"];

    private static byte[] Bomb(string kind) => kind switch
    {
        "ztxt" => HostileMedia.PngWithZtxtBomb(),
        "ztxt-x3" => HostileMedia.PngWithZtxtBomb(64 * 1024 * 1024, 3),
        "itxt" => HostileMedia.PngWithItxtBomb(),
        _ => HostileMedia.PngWithIccpBomb(),
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void A_png_with_a_compressed_ancillary_bomb_is_refused_without_inflating_it(string kind)
    {
        var bomb = Bomb(kind);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(bomb));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ImageDecodeError.TooLarge, e.Error);
        Assert.Contains("chunk", e.Message, StringComparison.OrdinalIgnoreCase);
        // The bomb inflates to 200 MiB; refusing it may cost a little bookkeeping, never the inflation.
        Assert.True(allocated < 8L * 1024 * 1024, $"refusing the {kind} bomb allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_large_plain_text_chunk_is_refused()
    {
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(HostileMedia.PngWithLargeText(1024 * 1024)));
        Assert.Equal(ImageDecodeError.TooLarge, e.Error);
    }

    [Fact]
    public void A_short_text_comment_as_editors_write_it_still_decodes()
    {
        using var image = _decoder.Decode(HostileMedia.PngWithSmallText());
        Assert.Equal(8, image.Width);
    }

    [Fact]
    public void A_chunk_longer_than_the_file_is_corrupt()
    {
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(HostileMedia.PngWithLyingChunkLength()));
        Assert.Equal(ImageDecodeError.Corrupt, e.Error);
    }

    [Fact]
    public void Huge_declared_dimensions_are_too_large_before_any_pixel_memory()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(HostileMedia.PngWithHugeDimensions()));
        Assert.Equal(ImageDecodeError.TooLarge, e.Error);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8L * 1024 * 1024);
    }

    [Fact]
    public async Task Decodes_beyond_the_concurrency_cap_wait_then_fail_as_busy()
    {
        using var decoder = new ImageDecoder(new ImageDecoderOptions { MaxConcurrentDecodes = 1, QueueTimeout = TimeSpan.FromMilliseconds(200) });
        var png = HostileMedia.Png(16, 16);
        using (decoder.AcquireSlot())
        {
            var e = await Assert.ThrowsAsync<ImageDecodeException>(() => Task.Run(() => decoder.Decode(png)));
            Assert.Equal(ImageDecodeError.Busy, e.Error);
        }
        // The slot is free again: the next decode succeeds.
        using var image = decoder.Decode(png);
        Assert.Equal(16, image.Width);
    }

    [Fact]
    public void Every_file_of_the_hostile_corpus_is_a_decode_error_never_another_exception()
    {
        foreach (var file in HostileMedia.Corpus("/etc/hostname"))
        {
            try
            {
                using var image = _decoder.Decode(file.Content);
                // A few corpus files are valid images with junk appended (polyglots); those may decode.
                Assert.True(image.Width > 0, file.Name);
            }
            catch (ImageDecodeException)
            {
                // Expected for nearly all of them.
            }
        }
    }
}
