using BlazorMood.Media;
using System.Diagnostics;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Synthesis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace BlazorMood.Music.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class TempoDetectionTests
{
    private readonly ITestOutputHelper _output;

    public TempoDetectionTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<int> Tempi => new() { 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180 };

    private static AudioAnalyzer NewAnalyzer() => new(Options.Create(new MusicOptions()), Options.Create(new FfmpegOptions()), NullLogger<AudioAnalyzer>.Instance);

    [Theory]
    [MemberData(nameof(Tempi))]
    public void Click_track_tempo_within_2_percent(int bpm)
    {
        using var analyzer = NewAnalyzer();
        var f = analyzer.AnalyzeSamples(Drums.ClickTrack(bpm, 20), MoodSynth.SampleRate);
        _output.WriteLine($"click {bpm}: {f.Bpm:0.00} (conf {f.TempoConfidence:0.00})");
        Assert.NotNull(f.Bpm);
        Assert.InRange(f.Bpm!.Value, bpm * 0.98, bpm * 1.02);
    }

    [Theory]
    [MemberData(nameof(Tempi))]
    public void Drum_loop_tempo_within_2_percent(int bpm)
    {
        using var analyzer = NewAnalyzer();
        var f = analyzer.AnalyzeSamples(Drums.DrumLoop(bpm, 20, seed: bpm, eighthHats: false), MoodSynth.SampleRate);
        _output.WriteLine($"drums {bpm}: {f.Bpm:0.00} (conf {f.TempoConfidence:0.00})");
        Assert.NotNull(f.Bpm);
        Assert.InRange(f.Bpm!.Value, bpm * 0.98, bpm * 1.02);
    }

    /// <summary>
    /// With eighth-note hi-hats, 60–80 BPM is genuinely ambiguous (it reads as double time, like a listener tapping
    /// the hats); from 90 BPM up the beat must be found exactly.
    /// </summary>
    [Theory]
    [InlineData(90)]
    [InlineData(100)]
    [InlineData(110)]
    [InlineData(120)]
    [InlineData(130)]
    [InlineData(140)]
    [InlineData(150)]
    [InlineData(160)]
    [InlineData(170)]
    [InlineData(180)]
    public void Drum_loop_with_eighth_hats_tempo_within_2_percent(int bpm)
    {
        using var analyzer = NewAnalyzer();
        var f = analyzer.AnalyzeSamples(Drums.DrumLoop(bpm, 20, seed: bpm), MoodSynth.SampleRate);
        _output.WriteLine($"drums8 {bpm}: {f.Bpm:0.00} (conf {f.TempoConfidence:0.00})");
        Assert.NotNull(f.Bpm);
        Assert.InRange(f.Bpm!.Value, bpm * 0.98, bpm * 1.02);
    }
}

/// <summary>The ffmpeg path: decode real files (WAV, Opus, ffmpeg-generated clicks) through the process pipe.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class AudioAnalyzerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bm-audio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AudioAnalyzer NewAnalyzer(Action<FfmpegOptions>? configure = null)
    {
        var o = new FfmpegOptions();
        configure?.Invoke(o);
        return new AudioAnalyzer(Options.Create(new MusicOptions()), Options.Create(o), NullLogger<AudioAnalyzer>.Instance);
    }

    private static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in (string[])["-y", "-hide_banner", "-loglevel", "error", .. args])
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(97)]
    [InlineData(128)]
    [InlineData(175)]
    public async Task Ffmpeg_aevalsrc_clicks_through_the_decoder(int bpm)
    {
        // A 5 ms 2 kHz burst at every beat, made by ffmpeg itself and stored as Opus.
        var path = Path.Combine(_dir, $"click{bpm}.opus");
        var period = (60.0 / bpm).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Ffmpeg("-f", "lavfi", "-i", $"aevalsrc='if(lt(mod(t,{period}),0.005),0.8*sin(2*PI*2000*t),0)':s=48000:d=20", "-c:a", "libopus", "-b:a", "64k", path);
        using var analyzer = NewAnalyzer();

        var f = await analyzer.AnalyzeAsync(path);

        Assert.InRange(f.Bpm!.Value, bpm * 0.98, bpm * 1.02);
        Assert.InRange(f.DurationSeconds, 19.5, 20.5);
    }

    [Fact]
    public async Task Wav_drums_give_duration_loudness_and_brightness()
    {
        var path = Path.Combine(_dir, "drums.wav");
        WavWriter.Write(path, Drums.DrumLoop(140, 15, seed: 3), MoodSynth.SampleRate);
        using var analyzer = NewAnalyzer();

        var f = await analyzer.AnalyzeAsync(path);

        Assert.InRange(f.Bpm!.Value, 140 * 0.98, 140 * 1.02);
        Assert.InRange(f.DurationSeconds, 14.9, 15.1);
        Assert.InRange(f.EnergyDb, -40, -3);
        Assert.InRange(f.BrightnessHz, 100, 11025);
    }

    [Fact]
    public async Task Quiet_and_dark_measure_lower_than_loud_and_bright()
    {
        var soft = Path.Combine(_dir, "soft.wav");
        var loud = Path.Combine(_dir, "loud.wav");
        Ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=5", "-af", "volume=0.05", soft);
        Ffmpeg("-f", "lavfi", "-i", "anoisesrc=d=5:c=white:a=0.5", loud);
        using var analyzer = NewAnalyzer();

        var s = await analyzer.AnalyzeAsync(soft);
        var l = await analyzer.AnalyzeAsync(loud);

        Assert.True(s.EnergyDb < l.EnergyDb - 10, $"{s.EnergyDb} vs {l.EnergyDb}");
        Assert.True(s.BrightnessHz < l.BrightnessHz / 5, $"{s.BrightnessHz} vs {l.BrightnessHz}");
        Assert.InRange(s.BrightnessHz, 150, 400);
    }

    [Fact]
    public async Task Corrupt_file_is_an_analysis_error()
    {
        var path = Path.Combine(_dir, "bad.opus");
        await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 31))]);
        using var analyzer = NewAnalyzer();
        var e = await Assert.ThrowsAsync<AudioAnalysisException>(() => analyzer.AnalyzeAsync(path));
        // The message says which tool failed, on which file, with ffmpeg's own error line (not its banner or stream list).
        Assert.StartsWith("ffmpeg exited with ", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Matches("Invalid data|could not find codec|Error", e.Message);
    }

    [Fact]
    public async Task Missing_ffmpeg_is_an_analysis_error_naming_the_configured_binary()
    {
        var path = Path.Combine(_dir, "x.wav");
        WavWriter.Write(path, new float[1000], 8000);
        using var analyzer = NewAnalyzer(o => o.BinaryFolder = "/nonexistent");
        var e = await Assert.ThrowsAsync<AudioAnalysisException>(() => analyzer.AnalyzeAsync(path));
        Assert.Contains("Cannot start '/nonexistent/ffmpeg'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_kills_ffmpeg_and_cancellation_propagates()
    {
        // An endless input (stdin of a never-ending lavfi source is not possible from a file, so use a huge duration).
        var path = Path.Combine(_dir, "long.opus");
        Ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=600", "-c:a", "libopus", "-b:a", "16k", path);
        using (var analyzer = NewAnalyzer(o => o.AudioProcessTimeout = TimeSpan.FromMilliseconds(50)))
        {
            await Assert.ThrowsAsync<AudioAnalysisException>(() => analyzer.AnalyzeAsync(path));
        }
        using (var analyzer = NewAnalyzer())
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => analyzer.AnalyzeAsync(path, cts.Token));
        }
    }
}

[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class MetadataAnalysisWriterTests : IDisposable
{
    private readonly TempLibrary _lib = new();

    public void Dispose() => _lib.Dispose();

    [Fact]
    public async Task Adds_analysis_to_hand_made_entries_and_keeps_the_rest()
    {
        var dir = _lib.AddPlaylist("emotion_happy", """
            [ {"title": "mine", "artist": "me", "filepath": "mine.wav", "extra": 42},
              {"title": "gone", "artist": "me", "duration": 1, "filepath": "gone.wav"} ]
            """);
        WavWriter.Write(Path.Combine(dir, "mine.wav"), Drums.DrumLoop(132, 12, seed: 1), MoodSynth.SampleRate);
        var loader = new BlazorMood.Music.Library.PlaylistLoader(NullLogger<BlazorMood.Music.Library.PlaylistLoader>.Instance, TimeProvider.System);
        using var analyzer = new AudioAnalyzer(Options.Create(new MusicOptions()), Options.Create(new FfmpegOptions()), NullLogger<AudioAnalyzer>.Instance);
        var writer = new MetadataAnalysisWriter(analyzer, NullLogger<MetadataAnalysisWriter>.Instance);

        Assert.Equal(1, await writer.AnalyzeMissingAsync(loader.Load(_lib.Root, 1 << 20), overwrite: false));
        Assert.Equal(0, await writer.AnalyzeMissingAsync(loader.Load(_lib.Root, 1 << 20), overwrite: false));

        var track = Assert.Single(loader.Load(_lib.Root, 1 << 20).Tracks);
        Assert.InRange(track.Features.Bpm!.Value, 132 * 0.98, 132 * 1.02);
        Assert.InRange(track.DurationSeconds, 11.9, 12.1);
        var json = await File.ReadAllTextAsync(Path.Combine(dir, "metadata.json"));
        Assert.Contains("\"extra\": 42", json, StringComparison.Ordinal);
        Assert.Contains("gone.wav", json, StringComparison.Ordinal);
    }
}
