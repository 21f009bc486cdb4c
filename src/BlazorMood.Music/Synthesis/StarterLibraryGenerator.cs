using System.Globalization;
using System.Text.Json;
using BlazorMood.Media;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Synthesis;

/// <summary>Settings of one starter-library generation run.</summary>
public sealed class StarterLibraryOptions
{
    public int TracksPerPlaylist { get; set; } = 5;

    public double TargetSeconds { get; set; } = 30;

    /// <summary>Opus bitrate in kbit/s; 48 keeps 70 tracks of 30 s near 13 MB.</summary>
    public int BitrateKbps { get; set; } = 48;

    /// <summary>Changes every melody and drum pattern; the committed library uses 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Only these playlists (all when empty): regenerate one mood without touching the others.</summary>
    public IReadOnlyCollection<string> Only { get; set; } = [];
}

/// <summary>One generated track, as written to metadata.json.</summary>
public sealed record GeneratedTrack(string Playlist, string FilePath, string Title, int Bpm, double? AnalysedBpm, long Bytes);

/// <summary>
/// Renders the starter library: for every <see cref="MoodPresets"/> playlist, N tracks through
/// <see cref="MoodSynth"/>, encoded to Ogg/Opus by ffmpeg, analysed by <see cref="AudioAnalyzer"/>, and listed in the
/// playlist's metadata.json (the original format plus <c>bpm</c>, <c>key</c>, <c>mode</c>, <c>generator</c> and
/// <c>analysis</c>). Existing generated files of those playlists are replaced; nothing else is touched.
/// </summary>
public sealed class StarterLibraryGenerator
{
    public const string Artist = "BlazorMood Synth";
    public const string GeneratorId = "blazormood-synth/1";

    private readonly AudioAnalyzer _analyzer;
    private readonly FfmpegOptions _ffmpeg;
    private readonly ILogger<StarterLibraryGenerator> _logger;

    public StarterLibraryGenerator(AudioAnalyzer analyzer, IOptions<FfmpegOptions> ffmpeg, ILogger<StarterLibraryGenerator> logger)
    {
        _analyzer = analyzer;
        _ffmpeg = ffmpeg.Value;
        _logger = logger;
    }

    public async Task<IReadOnlyList<GeneratedTrack>> GenerateAsync(string outDir, StarterLibraryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(outDir);
        var synth = new MoodSynth();
        var all = new List<GeneratedTrack>();
        var tempWav = Path.Combine(Path.GetTempPath(), $"blazormood-synth-{Environment.ProcessId}.wav");
        try
        {
            foreach (var preset in MoodPresets.All.Where(p => options.Only.Count == 0 || options.Only.Contains(p.Playlist)))
            {
                var dir = Path.Combine(outDir, preset.Playlist);
                Directory.CreateDirectory(dir);
                foreach (var old in Directory.EnumerateFiles(dir, "*.opus"))
                {
                    File.Delete(old);
                }
                var entries = new List<(SynthTrackSpec Spec, string File, string Title, double Duration, AudioFeatures Features)>();
                for (var i = 0; i < options.TracksPerPlaylist; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var spec = MoodSynth.Plan(preset, i, options.TracksPerPlaylist, options.TargetSeconds, options.Seed);
                    var samples = synth.Render(spec);
                    WavWriter.Write(tempWav, samples, MoodSynth.SampleRate);
                    var file = $"{preset.Label.ToLowerInvariant()}-{i + 1:00}.opus";
                    var title = $"{preset.Label} Sketch {i + 1} ({spec.Bpm} BPM, {spec.KeyName} {spec.ModeName}) [generated]";
                    await EncodeAsync(tempWav, Path.Combine(dir, file), title, options, cancellationToken);
                    var features = await _analyzer.AnalyzeAsync(Path.Combine(dir, file), cancellationToken);
                    entries.Add((spec, file, title, (double)samples.Length / MoodSynth.SampleRate, features));
                    var bytes = new FileInfo(Path.Combine(dir, file)).Length;
                    all.Add(new GeneratedTrack(preset.Playlist, $"{preset.Playlist}/{file}", title, spec.Bpm, features.Bpm, bytes));
                    _logger.LogInformation("Generated {Playlist}/{File}: {Bpm} BPM (analysed {AnalysedBpm}), {Bytes} bytes",
                        preset.Playlist, file, spec.Bpm, features.Bpm, bytes);
                }
                WriteMetadata(Path.Combine(dir, PlaylistLoader.MetadataFileName), entries);
            }
        }
        finally
        {
            File.Delete(tempWav);
        }
        return all;
    }

    private static void WriteMetadata(string path, List<(SynthTrackSpec Spec, string File, string Title, double Duration, AudioFeatures Features)> entries)
    {
        var tmp = path + ".tmp";
        using (var stream = File.Create(tmp))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var (spec, file, title, duration, f) in entries)
            {
                w.WriteStartObject();
                w.WriteString("title", title);
                w.WriteString("artist", Artist);
                w.WriteNumber("duration", Math.Round(duration, 2));
                w.WriteString("filepath", file);
                w.WriteNumber("bpm", spec.Bpm);
                w.WriteString("key", spec.KeyName);
                w.WriteString("mode", spec.ModeName);
                w.WriteString("generator", GeneratorId);
                w.WriteNumber("seed", spec.Seed);
                w.WriteStartObject("analysis");
                if (f.Bpm is { } bpm)
                {
                    w.WriteNumber("bpm", Math.Round(bpm, 2));
                }
                w.WriteNumber("tempoConfidence", Math.Round(f.TempoConfidence, 2));
                w.WriteNumber("energyDb", Math.Round(f.EnergyDb, 1));
                w.WriteNumber("brightnessHz", Math.Round(f.BrightnessHz, 0));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        // Replace in one step so the library watcher never reads half a file.
        File.Move(tmp, path, overwrite: true);
    }

    private async Task EncodeAsync(string wav, string output, string title, StarterLibraryOptions options, CancellationToken cancellationToken)
    {
        // bitexact: no encoder version or random serials in the file, so regenerating with the same ffmpeg is stable.
        string[] arguments =
        [
            "-y", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", wav, "-map_metadata", "-1",
            "-metadata", $"title={title}", "-metadata", $"artist={Artist}", "-metadata", "comment=Generated by BlazorMood (CC0)",
            "-c:a", "libopus", "-b:a", $"{options.BitrateKbps.ToString(CultureInfo.InvariantCulture)}k", "-vbr", "on", "-application", "audio",
            "-fflags", "+bitexact", "-flags:a", "+bitexact", output,
        ];
        ProcessOutput result;
        try
        {
            result = await ExternalProcess.RunAsync(_ffmpeg.FfmpegPath, arguments, _ffmpeg.AudioProcessTimeout, cancellationToken);
        }
        catch (ExternalProcessException ex)
        {
            throw new AudioAnalysisException($"ffmpeg could not encode '{output}': {ex.Message}", ex);
        }
        if (result.ExitCode != 0)
        {
            throw new AudioAnalysisException($"ffmpeg could not encode '{output}' (exit {result.ExitCode}): {result.StandardError}");
        }
    }
}
