using BlazorMood.Media;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Synthesis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace BlazorMood.Music.Tests;

/// <summary>Loudness, key, onset density and the mood estimate, on signals whose answer is known by construction.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class TaggingTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _dir = Directory.CreateTempSubdirectory("bm-tagging-").FullName;

    public TaggingTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AudioAnalyzer NewAnalyzer() => new(Options.Create(new MusicOptions()), Options.Create(new FfmpegOptions()), NullLogger<AudioAnalyzer>.Instance);

    private static float[] Sine(double hz, double amplitude, double seconds, int sampleRate = MoodSynth.SampleRate)
    {
        var x = new float[(int)(seconds * sampleRate)];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / sampleRate));
        }
        return x;
    }

    /// <summary>
    /// ITU-R BS.1770 defines its -0.691 dB offset so that a 1 kHz sine reads its mean-square level: on one channel,
    /// amplitude A gives 20·log10(A) − 3.01 LUFS. The analyzer (ffmpeg's ebur128 filter) must agree within 0.3 LU.
    /// </summary>
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.1)]
    [InlineData(0.02)]
    public async Task Loudness_of_a_1_kHz_sine_follows_BS_1770(double amplitude)
    {
        var path = Path.Combine(_dir, $"sine{amplitude}.wav");
        WavWriter.Write(path, Sine(1000, amplitude, 10, 48000), 48000);
        using var analyzer = NewAnalyzer();

        var f = await analyzer.AnalyzeAsync(path);

        var expected = 20 * Math.Log10(amplitude) - 3.01;
        _output.WriteLine($"A={amplitude}: {f.LoudnessLufs} LUFS, expected {expected:0.00}");
        Assert.NotNull(f.LoudnessLufs);
        Assert.InRange(f.LoudnessLufs!.Value, expected - 0.3, expected + 0.3);
    }

    [Fact]
    public async Task Loudness_of_a_generated_track_matches_ffmpeg_loudnorm()
    {
        // A second, separate implementation in ffmpeg (the loudnorm filter's own measurement pass) on a committed track.
        var track = Path.Combine(RepoRoot(), "playlists", "emotion_happy", "happy-03.opus");
        using var analyzer = NewAnalyzer();
        var f = await analyzer.AnalyzeAsync(track);

        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-i", track, "-af", "loudnorm=print_format=json", "-f", "null", "-"])
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var loudnorm = double.Parse(Regex.Match(err, "\"input_i\"\\s*:\\s*\"(-?[\\d.]+)\"").Groups[1].Value, CultureInfo.InvariantCulture);
        _output.WriteLine($"analyzer {f.LoudnessLufs} LUFS, loudnorm {loudnorm} LUFS");
        Assert.InRange(f.LoudnessLufs!.Value, loudnorm - 0.5, loudnorm + 0.5);
    }

    [Fact]
    public async Task Silence_has_no_loudness_and_no_key()
    {
        var path = Path.Combine(_dir, "silence.wav");
        WavWriter.Write(path, new float[48000 * 5], 48000);
        using var analyzer = NewAnalyzer();

        var f = await analyzer.AnalyzeAsync(path);

        Assert.Null(f.LoudnessLufs);
        Assert.Null(f.Key);
        Assert.Equal(0, f.OnsetsPerSecond);
    }

    [Fact]
    public void Playback_gain_brings_tracks_to_the_target_and_is_clamped()
    {
        Assert.Equal(-4, new TrackFeatures(null, null, null) { LoudnessLufs = -12 }.PlaybackGainDb(-16));
        Assert.Equal(9.5, new TrackFeatures(null, null, null) { LoudnessLufs = -25.5 }.PlaybackGainDb(-16));
        Assert.Equal(12, new TrackFeatures(null, null, null) { LoudnessLufs = -60 }.PlaybackGainDb(-16));
        Assert.Null(TrackFeatures.Unknown.PlaybackGainDb(-16));
    }

    /// <summary>Chords of a key with harmonic-rich tones (as instruments have), cadencing on the tonic.</summary>
    private static float[] Progression(int tonicMidi, bool minor, double seconds)
    {
        const int sr = MoodSynth.SampleRate;
        int[] majorChords = [0, 4, 7, 5, 9, 12, 7, 11, 14, 0, 4, 7];   // I IV V I
        int[] minorChords = [0, 3, 7, 5, 8, 12, 7, 11, 14, 0, 3, 7];   // i iv V i (harmonic minor's raised 7th)
        var chords = minor ? minorChords : majorChords;
        var x = new float[(int)(seconds * sr)];
        var chordSeconds = seconds / 4;
        for (var c = 0; c < 4; c++)
        {
            for (var v = 0; v < 3; v++)
            {
                var hz = 440 * Math.Pow(2, (tonicMidi + chords[c * 3 + v] - 69) / 12.0);
                var start = (int)(c * chordSeconds * sr);
                var end = (int)((c + 1) * chordSeconds * sr);
                for (var i = start; i < end && i < x.Length; i++)
                {
                    var t = (double)(i - start) / sr;
                    var env = Math.Exp(-t * 0.4);
                    double s = 0;
                    for (var h = 1; h <= 4; h++)
                    {
                        s += Math.Sin(2 * Math.PI * hz * h * t) / h;
                    }
                    x[i] += (float)(0.1 * env * s);
                }
            }
            // The bass doubles each chord's root an octave down.
            var bass = 440 * Math.Pow(2, (tonicMidi - 12 + chords[c * 3] - 69) / 12.0);
            for (int i = (int)(c * chordSeconds * sr), e = (int)((c + 1) * chordSeconds * sr); i < e && i < x.Length; i++)
            {
                x[i] += (float)(0.05 * Math.Sin(2 * Math.PI * bass * i / sr));
            }
        }
        return x;
    }

    [Theory]
    [InlineData(60, false, "C", "major")]
    [InlineData(57, true, "A", "minor")]
    [InlineData(62, false, "D", "major")]
    [InlineData(64, true, "E", "minor")]
    [InlineData(67, false, "G", "major")]
    public void Key_and_mode_of_a_generated_progression(int tonicMidi, bool minor, string key, string mode)
    {
        using var analyzer = NewAnalyzer();

        var f = analyzer.AnalyzeSamples(Progression(tonicMidi, minor, 16), MoodSynth.SampleRate);

        _output.WriteLine($"{key} {mode}: measured {f.Key} {f.Mode} (clarity {f.KeyClarity}, contrast {f.ModeContrast})");
        Assert.Equal(key, f.Key);
        Assert.Equal(mode, f.Mode);
    }

    [Fact]
    public void Committed_generated_tracks_mostly_measure_the_key_they_were_made_in()
    {
        var total = 0;
        var exact = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot(), "playlists"), PlaylistLoader.MetadataFileName, SearchOption.AllDirectories))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var mode = e.GetProperty("mode").GetString();
                if (mode is not ("major" or "minor"))
                {
                    continue;
                }
                total++;
                var a = e.GetProperty("analysis");
                exact += a.GetProperty("key").GetString() == e.GetProperty("key").GetString() && a.GetProperty("mode").GetString() == mode ? 1 : 0;
            }
        }
        _output.WriteLine($"key and mode exact: {exact}/{total}");
        Assert.Equal(60, total);
        Assert.True(exact >= 40, $"{exact}/{total}");
    }

    [Theory]
    [InlineData(60, 1.0)]
    [InlineData(120, 2.0)]
    [InlineData(180, 3.0)]
    public void Onset_density_of_a_click_track_is_its_beat_rate(int bpm, double perSecond)
    {
        using var analyzer = NewAnalyzer();

        var f = analyzer.AnalyzeSamples(Drums.ClickTrack(bpm, 20), MoodSynth.SampleRate);

        _output.WriteLine($"{bpm} BPM: {f.OnsetsPerSecond} onsets/s");
        Assert.InRange(f.OnsetsPerSecond!.Value, perSecond * 0.9, perSecond * 1.1);
    }

    [Fact]
    public void Mood_estimate_moves_with_its_cues()
    {
        var calm = MoodEstimator.Estimate(70, 2, -24, null, 900, -0.2, 0.7);
        var excited = MoodEstimator.Estimate(160, 7, -10, null, 3000, 0.2, 0.6);
        var fastMinor = MoodEstimator.Estimate(160, 7, -10, null, 3000, -0.2, 0.6);
        var calmMajor = MoodEstimator.Estimate(70, 2, -24, null, 900, 0.2, 0.7);

        _output.WriteLine($"calm {calm}, calm major {calmMajor}, excited {excited}, fast minor {fastMinor}");
        // Bright, loud and dense music is excited; darker, quieter and sparser music calm.
        Assert.True(excited.Arousal > 0.85 && excited.Arousal > calm.Arousal + 0.5, $"{excited} vs {calm}");
        // At the same energy, major sounds more pleasant than minor, in excited music and in calm music.
        Assert.True(excited.Valence > fastMinor.Valence + 0.15, $"{excited} vs {fastMinor}");
        Assert.True(calmMajor.Valence > calm.Valence + 0.05, $"{calmMajor} vs {calm}");
        // Denser attacks at the same brightness and loudness read as less pleasant in excited music (angry against joyful).
        var dense = MoodEstimator.Estimate(160, 14, -10, null, 3000, 0.2, 0.6);
        Assert.True(dense.Valence < excited.Valence, $"{dense} vs {excited}");
        // Nothing measured says nothing.
        var unknown = MoodEstimator.Estimate(null, null, null, null, null, null);
        Assert.Equal(0.5, unknown.Valence);
        Assert.Equal(0.5, unknown.Arousal);
    }

    [Fact]
    public void Mood_estimate_weights_are_the_committed_models()
    {
        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "models", "music-mood.json")));
        void Same(string axis, (double Bias, double[] Weights) actual)
        {
            var stored = model.RootElement.GetProperty(axis);
            Assert.Equal(stored.GetProperty("bias").GetDouble(), actual.Bias, 12);
            Assert.Equal(stored.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()), actual.Weights, (a, b) => Math.Abs(a - b) < 1e-12);
            Assert.Equal(stored.GetProperty("fill").EnumerateArray().Select(w => w.GetDouble()), MoodEstimator.Fill, (a, b) => Math.Abs(a - b) < 1e-12);
        }
        Same("arousal", MoodEstimator.Arousal);
        Same("valenceExcited", MoodEstimator.ValenceExcited);
        Same("valenceCalm", MoodEstimator.ValenceCalm);
        Assert.Equal(900, model.RootElement.GetProperty("clips").GetInt32());
    }

    [Fact]
    public void Committed_metadata_carries_every_tagged_feature()
    {
        var snapshot = new PlaylistLoader(NullLogger<PlaylistLoader>.Instance, TimeProvider.System).Load(Path.Combine(RepoRoot(), "playlists"), 1 << 20);
        Assert.All(snapshot.Tracks, t =>
        {
            Assert.NotNull(t.Features.LoudnessLufs);
            Assert.NotNull(t.Features.Key);
            Assert.NotNull(t.Features.OnsetsPerSecond);
            Assert.InRange(t.Features.Valence!.Value, 0, 1);
            Assert.InRange(t.Features.Arousal!.Value, 0, 1);
        });
        // The generated moods differ by up to 13 LU: the gain is what evens them out.
        var spread = snapshot.Tracks.Max(t => t.Features.LoudnessLufs!.Value) - snapshot.Tracks.Min(t => t.Features.LoudnessLufs!.Value);
        _output.WriteLine($"loudness spread {spread:0.0} LU");
        Assert.True(spread > 6);
        var gains = snapshot.Tracks.Select(t => t.Features.LoudnessLufs!.Value + t.Features.PlaybackGainDb(-16)!.Value).ToList();
        Assert.All(gains, g => Assert.InRange(g, -16.05, -15.95));
    }

    [Fact]
    public void Arousal_estimate_orders_the_generated_moods()
    {
        // Sleeping music is the calmest the generator makes, running and angry the most driven.
        var snapshot = new PlaylistLoader(NullLogger<PlaylistLoader>.Instance, TimeProvider.System).Load(Path.Combine(RepoRoot(), "playlists"), 1 << 20);
        double Mean(string playlist) => snapshot.FindPlaylist(playlist)!.Tracks.Average(t => t.Features.Arousal!.Value);
        _output.WriteLine($"sleeping {Mean("activity_sleeping"):0.00}, sad {Mean("emotion_sad"):0.00}, running {Mean("activity_running"):0.00}, angry {Mean("emotion_angry"):0.00}");
        Assert.True(Mean("activity_sleeping") < Mean("emotion_neutral"));
        Assert.True(Mean("emotion_sad") < Mean("emotion_happy"));
        Assert.True(Mean("emotion_neutral") < Mean("activity_running"));
        Assert.True(Mean("emotion_happy") < Mean("emotion_angry"));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlazorMood.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
