using BlazorMood.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Video.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class FfmpegServiceTests : IDisposable
{
    private readonly TempFolder _dir = new();

    private static FfmpegService Service(Action<VideoOptions>? tweak = null, Action<FfmpegOptions>? ffmpeg = null)
    {
        var o = new VideoOptions();
        tweak?.Invoke(o);
        var f = new FfmpegOptions();
        ffmpeg?.Invoke(f);
        return new FfmpegService(Options.Create(o), Options.Create(f), NullLogger<FfmpegService>.Instance);
    }

    private static async Task<VideoProcessingException> Rejects(FfmpegService s, string path, VideoError error)
    {
        var e = await Assert.ThrowsAsync<VideoProcessingException>(() => s.ProbeAsync(path, CancellationToken.None));
        Assert.Equal(error, e.Error);
        // User-facing messages never leak paths.
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public async Task A_valid_clip_probes_with_its_size_duration_and_rate()
    {
        using var s = Service();
        var path = Clips.TestPattern(_dir.File("ok.mp4"), 160, 120, 2, 15);
        var probe = await s.ProbeAsync(path, CancellationToken.None);
        Assert.Equal(160, probe.Width);
        Assert.Equal(120, probe.Height);
        Assert.Equal("h264", probe.Codec);
        Assert.InRange(probe.Duration.TotalSeconds, 1.9, 2.1);
        Assert.InRange(probe.FrameRate, 14.9, 15.1);
        Assert.Equal(30, probe.FrameCount);
        Assert.Equal(0, s.RunningProcesses);
    }

    public static TheoryData<string, string> CameraContainers => new()
    {
        { "clip.mov", "libx264" },
        { "clip.3gp", "libx264" },
        { "clip.mkv", "libx264" },
        { "clip.webm", "libvpx" },
        { "clip.avi", "mpeg4" },
        { "clip.ts", "libx264" },
        { "clip.mpg", "mpeg2video" },
    };

    [Theory]
    [MemberData(nameof(CameraContainers))]
    public async Task The_containers_cameras_and_phones_write_pass_the_format_whitelist(string name, string codec)
    {
        using var s = Service();
        var path = Clips.Ffmpeg(_dir.File(name), "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=1", "-c:v", codec, "-pix_fmt", "yuv420p");

        var probe = await s.ProbeAsync(path, CancellationToken.None);

        Assert.Equal(96, probe.Width);
    }

    [Fact]
    public async Task Playlists_and_concat_scripts_are_not_videos_whether_or_not_what_they_name_exists()
    {
        using var s = Service();
        var target = Clips.TestPattern(_dir.File("target.mp4"), 96, 64, 1);
        var playlist = _dir.File("clip.mp4");
        await File.WriteAllTextAsync(playlist, $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}\n#EXT-X-ENDLIST\n");
        var dangling = _dir.File("dangling.mp4");
        await File.WriteAllTextAsync(dangling, $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}.missing\n#EXT-X-ENDLIST\n");
        var concat = _dir.File("concat.mp4");
        await File.WriteAllTextAsync(concat, $"ffconcat version 1.0\nfile '{target}'\n");

        var existing = await Rejects(s, playlist, VideoError.NotAVideo);
        var missing = await Rejects(s, dangling, VideoError.NotAVideo);
        await Rejects(s, concat, VideoError.NotAVideo);

        Assert.Equal(existing.Message, missing.Message);
    }

    [Fact]
    public async Task Zero_bytes_is_rejected_as_empty()
    {
        using var s = Service();
        var path = _dir.File("empty.mp4");
        await File.WriteAllBytesAsync(path, []);
        var e = await Rejects(s, path, VideoError.Empty);
        Assert.Contains("empty", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Garbage_and_images_are_not_videos()
    {
        using var s = Service();
        var garbage = _dir.File("garbage.mp4");
        await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 % 251)).ToArray());
        await Rejects(s, garbage, VideoError.NotAVideo);

        var png = Clips.Ffmpeg(_dir.File("still.png"), "-f", "lavfi", "-i", "testsrc2=size=64x64", "-frames:v", "1");
        var e = await Rejects(s, png, VideoError.NotAVideo);
        Assert.Contains("not a video", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_truncated_faststart_mp4_that_probes_complete_is_rejected()
    {
        using var s = Service();
        var full = Clips.TestPattern(_dir.File("full.mp4"), 160, 120, 4);
        var bytes = await File.ReadAllBytesAsync(full);
        var cut = _dir.File("cut.mp4");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length * 6 / 10)]);

        var e = await Rejects(s, cut, VideoError.Truncated);
        Assert.Contains("incomplete", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decoding_a_truncated_clip_is_caught_by_the_frame_count_check()
    {
        // The second guard: a probe taken from the intact file, then a decode of the cut one (as if the probe was fooled).
        using var s = Service();
        var full = Clips.TestPattern(_dir.File("full.mp4"), 160, 120, 4);
        var probe = await s.ProbeAsync(full, CancellationToken.None);
        var bytes = await File.ReadAllBytesAsync(full);
        var cut = _dir.File("cut.mp4");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);
        var e = await Assert.ThrowsAsync<VideoProcessingException>(() => s.DecodeAsync(cut, probe, 10, 160, 120,
            System.Buffers.ArrayPool<byte>.Shared, (b, _, _, _) => { System.Buffers.ArrayPool<byte>.Shared.Return(b); return ValueTask.CompletedTask; }, null, CancellationToken.None));
        Assert.Equal(VideoError.Truncated, e.Error);
    }

    [Fact]
    public async Task Skipping_the_deblocking_filter_changes_pixels_but_not_which_frames_come_out()
    {
        // A coarsely compressed clip (not ultrafast: that preset turns deblocking off), decoded at full size.
        var clip = Clips.Ffmpeg(_dir.File("blocky.mp4"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "45", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        async Task<List<byte[]>> Decode(bool skip)
        {
            using var s = Service(o => o.DecoderSkipLoopFilter = skip);
            var probe = await s.ProbeAsync(clip, CancellationToken.None);
            var frames = new List<byte[]>();
            await s.DecodeAsync(clip, probe, 10, 320, 240, System.Buffers.ArrayPool<byte>.Shared, (b, _, _, _) =>
            {
                frames.Add(b[..(320 * 240 * 3)]);
                System.Buffers.ArrayPool<byte>.Shared.Return(b);
                return ValueTask.CompletedTask;
            }, null, CancellationToken.None);
            return frames;
        }

        var filtered = await Decode(skip: false);
        var skipped = await Decode(skip: true);
        Assert.Equal(20, filtered.Count);
        Assert.Equal(filtered.Count, skipped.Count);
        Assert.Contains(filtered.Zip(skipped), p => !p.First.AsSpan().SequenceEqual(p.Second));
        // Deblocking moves pixels by a few levels, not the picture: the mean difference stays small.
        var meanDifference = filtered.Zip(skipped).Average(p => p.First.Zip(p.Second).Average(b => Math.Abs(b.First - b.Second)));
        Assert.InRange(meanDifference, 0.01, 4);
    }

    [Fact]
    public async Task Over_duration_oversize_and_absurd_resolution_are_rejected_with_the_limit()
    {
        var path = Clips.TestPattern(_dir.File("three.mp4"), 160, 120, 3);
        using (var s = Service(o => o.MaxDuration = TimeSpan.FromSeconds(2)))
        {
            var e = await Rejects(s, path, VideoError.TooLong);
            Assert.Contains("0:03", e.Message, StringComparison.Ordinal);
            Assert.Contains("0:02", e.Message, StringComparison.Ordinal);
        }
        using (var s = Service(o => o.MaxFileBytes = 1000))
        {
            await Rejects(s, path, VideoError.TooLarge);
        }
        using (var s = Service(o => o.MaxResolution = 100))
        {
            var e = await Rejects(s, path, VideoError.BadResolution);
            Assert.Contains("160×120", e.Message, StringComparison.Ordinal);
        }
        using (var s = Service())
        {
            await Rejects(s, _dir.File("missing.mp4"), VideoError.NotFound);
        }
    }

    [Fact]
    public async Task Decode_yields_sampled_rgb_frames_and_encode_writes_h264_yuv420p_faststart()
    {
        using var s = Service();
        var path = Clips.TestPattern(_dir.File("in.mp4"), 320, 240, 2, 30);
        var probe = await s.ProbeAsync(path, CancellationToken.None);
        var output = _dir.File("out/encoded.mp4");
        await using (var encoder = await s.StartEncoderAsync(output, 160, 120, 10, null, CancellationToken.None))
        {
            var n = await s.DecodeAsync(path, probe, 10, 160, 120, System.Buffers.ArrayPool<byte>.Shared,
                async (buffer, index, time, ct) =>
                {
                    Assert.Equal(index / 10.0, time, 3);
                    Assert.Contains(buffer.Take(160 * 120 * 3), b => b != 0);
                    await encoder.WriteFrameAsync(buffer, ct);
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }, null, CancellationToken.None);
            Assert.Equal(20, n);
            await encoder.CompleteAsync();
        }
        var (codec, pix, frames, w, h) = Clips.Probe(output);
        Assert.Equal(("h264", "yuv420p", 20, 160, 120), (codec, pix, frames, w, h));
        // faststart: the index (moov) comes before the data (mdat).
        var head = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(output).AsSpan(0, 4096));
        Assert.True(head.IndexOf("moov", StringComparison.Ordinal) is >= 0 and var m && m < Math.Max(0, head.IndexOf("mdat", StringComparison.Ordinal)) || head.Contains("moov", StringComparison.Ordinal) && !head.Contains("mdat", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(output)!));
        Assert.Equal(0, s.RunningProcesses);
    }

    [Fact]
    public async Task An_encoder_disposed_before_completion_leaves_no_file()
    {
        using var s = Service();
        var output = _dir.File("partial/out.mp4");
        await using (var encoder = await s.StartEncoderAsync(output, 64, 64, 10, null, CancellationToken.None))
        {
            await encoder.WriteFrameAsync(new byte[64 * 64 * 3], CancellationToken.None);
        }
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!));
        Assert.Equal(0, s.RunningProcesses);
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_a_clear_error_naming_the_configured_binary()
    {
        using var s = Service(ffmpeg: f => f.BinaryFolder = "/nonexistent");
        var e = await Assert.ThrowsAsync<VideoProcessingException>(() => s.StartEncoderAsync(_dir.File("out.mp4"), 64, 64, 10, null, CancellationToken.None));
        Assert.Equal(VideoError.Failed, e.Error);
        Assert.Equal("The video service is not available.", e.Message);
        Assert.Contains("Cannot start '/nonexistent/ffmpeg'", e.Detail, StringComparison.Ordinal);
        Assert.Equal(0, s.RunningProcesses);
    }

    [Fact]
    public async Task An_ffmpeg_that_fails_reports_its_own_error_and_leaves_no_file()
    {
        // An encoder preset x264 does not know: ffmpeg starts, reads frames, then fails opening the encoder.
        using var s = Service(o => o.EncoderPreset = "no-such-preset");
        var output = _dir.File("failed/out.mp4");
        var e = await Assert.ThrowsAsync<VideoProcessingException>(async () =>
        {
            await using var encoder = await s.StartEncoderAsync(output, 64, 64, 10, null, CancellationToken.None);
            await encoder.WriteFrameAsync(new byte[64 * 64 * 3], CancellationToken.None);
            await encoder.CompleteAsync();
        });
        Assert.Equal(VideoError.Failed, e.Error);
        Assert.Equal("The annotated video could not be written.", e.Message);
        Assert.Contains("no-such-preset", e.Detail, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(output)!));
        Assert.Equal(0, s.RunningProcesses);
    }

    [Fact]
    public async Task Registration_binds_the_video_section()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Video:SampleFps"] = "5", ["Video:MaxDuration"] = "00:01:00" })
            .Build();
        await using var provider = new ServiceCollection().AddVideo(config).BuildServiceProvider();
        var o = provider.GetRequiredService<IOptions<VideoOptions>>().Value;
        Assert.Equal(5, o.SampleFps);
        Assert.Equal(TimeSpan.FromMinutes(1), o.MaxDuration);
        Assert.NotNull(provider.GetRequiredService<FfmpegService>());
    }

    public void Dispose() => _dir.Dispose();
}
