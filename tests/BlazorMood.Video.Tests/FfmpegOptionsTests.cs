using BlazorMood.Media;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlazorMood.Video.Tests;

/// <summary>The one ffmpeg settings section: bound once for every feature, checked at start with messages naming the setting.</summary>
public sealed class FfmpegOptionsTests : IDisposable
{
    private readonly TempFolder _dir = new();

    private static ServiceProvider Provider(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddVideo(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    private static OptionsValidationException Rejected(Dictionary<string, string?> settings)
    {
        using var provider = Provider(settings);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FfmpegOptions>>().Value);
    }

    [Fact]
    public void The_video_feature_reads_the_shared_Ffmpeg_section()
    {
        using var provider = Provider(new()
        {
            ["Ffmpeg:ProbeTimeout"] = "00:00:07",
            ["Ffmpeg:VideoProcessTimeout"] = "00:02:00",
            ["Ffmpeg:MaxConcurrentVideoProcesses"] = "3",
        });
        var o = provider.GetRequiredService<IOptions<FfmpegOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(7), o.ProbeTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), o.VideoProcessTimeout);
        Assert.Equal(3, o.MaxConcurrentVideoProcesses);
        Assert.Equal("ffmpeg", o.FfmpegPath);
        Assert.Equal("ffprobe", o.FfprobePath);
    }

    [Fact]
    public void Registering_it_from_several_features_validates_it_once()
    {
        var services = new ServiceCollection().AddFfmpeg().AddFfmpeg().AddFfmpeg(o => o.MaxConcurrentAudioProcesses = 2);
        using var provider = services.BuildServiceProvider();
        Assert.Single(provider.GetServices<IValidateOptions<FfmpegOptions>>().OfType<FfmpegOptionsValidator>());
        Assert.Equal(2, provider.GetRequiredService<IOptions<FfmpegOptions>>().Value.MaxConcurrentAudioProcesses);
    }

    [Fact]
    public void Non_positive_timeouts_and_too_few_process_slots_are_each_named()
    {
        var e = Rejected(new()
        {
            ["Ffmpeg:ProbeTimeout"] = "00:00:00",
            ["Ffmpeg:AudioProcessTimeout"] = "-00:00:01",
            ["Ffmpeg:MaxConcurrentVideoProcesses"] = "1",
            ["Ffmpeg:MaxConcurrentAudioProcesses"] = "0",
        });
        Assert.Contains(e.Failures, f => f.StartsWith("Ffmpeg:ProbeTimeout is 00:00:00", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("Ffmpeg:AudioProcessTimeout is -00:00:01", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("MaxConcurrentVideoProcesses is 1; it must be at least 2", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("MaxConcurrentAudioProcesses is 0", StringComparison.Ordinal));
        Assert.DoesNotContain(e.Failures, f => f.Contains("VideoProcessTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void A_binary_folder_must_exist_and_hold_both_tools()
    {
        var missing = Rejected(new() { ["Ffmpeg:BinaryFolder"] = _dir.File("no-such-folder") });
        Assert.Contains(missing.Failures, f => f.Contains("does not exist", StringComparison.Ordinal));

        var folder = Directory.CreateDirectory(_dir.File("bin")).FullName;
        File.WriteAllText(Path.Combine(folder, "ffmpeg"), "");
        var halfEmpty = Rejected(new() { ["Ffmpeg:BinaryFolder"] = folder });
        Assert.Equal($"Ffmpeg:BinaryFolder '{folder}' has no ffprobe.", Assert.Single(halfEmpty.Failures));

        File.WriteAllText(Path.Combine(folder, "ffprobe"), "");
        using var provider = Provider(new() { ["Ffmpeg:BinaryFolder"] = folder });
        var o = provider.GetRequiredService<IOptions<FfmpegOptions>>().Value;
        Assert.Equal(Path.Combine(folder, "ffmpeg"), o.FfmpegPath);
        Assert.Equal(Path.Combine(folder, "ffprobe"), o.FfprobePath);
    }

    [Fact]
    public void The_check_runs_when_the_host_starts()
    {
        using var provider = Provider(new() { ["Ffmpeg:MaxConcurrentAudioProcesses"] = "0" });
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("MaxConcurrentAudioProcesses", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("33")]
    public void A_detector_look_ahead_outside_0_to_32_frames_is_refused(string frames)
    {
        using var provider = Provider(new() { ["Video:DetectAheadFrames"] = frames });
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VideoOptions>>().Value);
        Assert.Contains("Video:DetectAheadFrames must be 0..32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decoder_deblocks_unless_told_to_skip_it()
    {
        using var defaults = Provider(new());
        Assert.False(defaults.GetRequiredService<IOptions<VideoOptions>>().Value.DecoderSkipLoopFilter);
        using var skip = Provider(new() { ["Video:DecoderSkipLoopFilter"] = "true" });
        Assert.True(skip.GetRequiredService<IOptions<VideoOptions>>().Value.DecoderSkipLoopFilter);
    }

    public void Dispose() => _dir.Dispose();
}
