using BlazorMood.Media;
using System.Text.Json;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Synthesis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace BlazorMood.Music.Tests;

/// <summary>The committed starter library in <c>playlists/</c>: complete, small, honest, and its tempi real.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Ffmpeg")]
public sealed class StarterLibraryTests
{
    private readonly ITestOutputHelper _output;

    public StarterLibraryTests(ITestOutputHelper output) => _output = output;

    private static string LibraryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlazorMood.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "playlists");
    }

    private static LibrarySnapshot Load() => new PlaylistLoader(NullLogger<PlaylistLoader>.Instance, TimeProvider.System).Load(LibraryRoot(), 1 << 20);

    [Fact]
    public void Every_playlist_has_at_least_5_existing_honestly_titled_tracks()
    {
        var s = Load();
        Assert.Empty(s.Problems);
        foreach (var name in PlaylistNames.Required)
        {
            var p = s.FindPlaylist(name);
            Assert.NotNull(p);
            Assert.True(p.Tracks.Count >= 5, $"{name} has {p.Tracks.Count} tracks");
            Assert.All(p.Tracks, t =>
            {
                Assert.True(File.Exists(t.FullPath), t.FullPath);
                Assert.Equal(StarterLibraryGenerator.Artist, t.Artist);
                Assert.Contains("[generated]", t.Title, StringComparison.Ordinal);
                Assert.InRange(t.DurationSeconds, 25, 40);
                Assert.NotNull(t.Features.Bpm);
            });
        }
        var bytes = s.Tracks.Sum(t => new FileInfo(t.FullPath).Length);
        _output.WriteLine($"{s.Tracks.Count} tracks, {bytes / 1048576.0:0.0} MiB");
        Assert.True(bytes <= 25L * 1024 * 1024, $"{bytes} bytes");
    }

    [Fact]
    public void Measured_tempi_in_metadata_are_within_3_percent_of_the_generator_for_every_track()
    {
        var total = 0;
        foreach (var file in Directory.EnumerateFiles(LibraryRoot(), PlaylistLoader.MetadataFileName, SearchOption.AllDirectories))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                var generated = e.GetProperty("bpm").GetDouble();
                var measured = e.GetProperty("analysis").GetProperty("bpm").GetDouble();
                Assert.True(Math.Abs(measured - generated) <= 0.03 * generated, $"{file}: {e.GetProperty("filepath")} generated {generated}, measured {measured}");
                total++;
            }
        }
        Assert.Equal(70, total);
    }

    /// <summary>
    /// Decoded from the committed Opus files now (the metadata could be stale): one track per playlist plus the three
    /// that used to read at double time (a 50 BPM lullaby, an 80 BPM heartbeat and an 80 BPM four-on-the-floor).
    /// </summary>
    [Fact]
    public async Task Committed_audio_analyses_to_the_generators_tempo_without_octave_errors()
    {
        using var analyzer = new AudioAnalyzer(Options.Create(new MusicOptions()), Options.Create(new FfmpegOptions()), NullLogger<AudioAnalyzer>.Instance);
        var s = Load();
        string[] formerlyDoubled = ["activity_sleeping/sleeping-01.opus", "emotion_fear/fear-05.opus", "activity_cycling/cycling-01.opus"];
        var chosen = s.Playlists.Select(p => p.Tracks[p.Tracks.Count / 2])
            .Concat(s.Tracks.Where(t => formerlyDoubled.Contains(t.RelativePath)))
            .Distinct();
        foreach (var track in chosen)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(s.RootPath, track.Playlist, PlaylistLoader.MetadataFileName)));
            var generated = doc.RootElement.EnumerateArray().First(e => track.RelativePath.EndsWith(e.GetProperty("filepath").GetString()!, StringComparison.Ordinal)).GetProperty("bpm").GetDouble();
            var f = await analyzer.AnalyzeAsync(track.FullPath);
            _output.WriteLine($"{track.RelativePath}: generated {generated}, measured {f.Bpm:0.00}, {f.LoudnessLufs:0.0} LUFS, {f.Key} {f.Mode}");
            Assert.InRange(f.Bpm!.Value, generated * 0.97, generated * 1.03);
        }
    }

    [Fact]
    public void Synth_is_deterministic()
    {
        var preset = MoodPresets.All[0];
        var a = new MoodSynth().Render(MoodSynth.Plan(preset, 2, 5, 10, 1));
        var b = new MoodSynth().Render(MoodSynth.Plan(preset, 2, 5, 10, 1));
        var c = new MoodSynth().Render(MoodSynth.Plan(preset, 2, 5, 10, 2));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Presets_cover_every_playlist_with_the_asked_tempi()
    {
        Assert.Equal(PlaylistNames.Required.Order(), MoodPresets.All.Select(p => p.Playlist).Order());
        var running = MoodPresets.All.Single(p => p.Playlist == "activity_running");
        Assert.InRange(running.TempoMin, 150, 175);
        Assert.InRange(running.TempoMax, 150, 175);
        var sad = MoodPresets.All.Single(p => p.Playlist == "emotion_sad");
        Assert.Equal(Scale.Minor, sad.Scale);
        Assert.Equal(Scale.Major, MoodPresets.All.Single(p => p.Playlist == "emotion_happy").Scale);
    }
}
