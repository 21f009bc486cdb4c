using BlazorMood.Music;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Synthesis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Cli.Music;

/// <summary>
/// <c>blazormood music …</c>: regenerates the starter library, analyses audio files, checks a library and writes the
/// analysis of a library's tracks into its metadata.
/// </summary>
internal static class MusicCommands
{
    /// <summary>The music services over the library at <paramref name="libraryPath"/>, without watching it for changes.</summary>
    private static ServiceProvider Services(string libraryPath)
    {
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information))
            .AddMusic(o =>
            {
                o.LibraryPath = Path.GetFullPath(libraryPath);
                o.WatchForChanges = false;
            });
        services.AddSingleton<StarterLibraryGenerator>();
        return services.BuildServiceProvider();
    }

    public static async Task<int> GenerateStarterAsync(string libraryPath, string outDir, StarterLibraryOptions options, TextWriter stdout, CancellationToken ct)
    {
        await using var provider = Services(libraryPath);
        outDir = Path.GetFullPath(outDir);
        var tracks = await provider.GetRequiredService<StarterLibraryGenerator>().GenerateAsync(outDir, options, ct);
        var bytes = tracks.Sum(t => t.Bytes);
        var near = tracks.Count(t => t.AnalysedBpm is { } a && Math.Abs(a - t.Bpm) <= 0.02 * t.Bpm);
        await stdout.WriteLineAsync($"{tracks.Count} tracks in {outDir}: {bytes / 1048576.0:0.0} MiB; analysed tempo within 2% of the generator's for {near}/{tracks.Count}");
        return 0;
    }

    public static async Task<int> AnalyzeAsync(string libraryPath, IReadOnlyList<string> files, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var provider = Services(libraryPath);
        var analyzer = provider.GetRequiredService<AudioAnalyzer>();
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                var f = await analyzer.AnalyzeAsync(file, ct);
                await stdout.WriteLineAsync(FormattableString.Invariant(
                    $"{file}\t{f.DurationSeconds:0.00} s\t{f.Bpm:0.0} BPM\tconf {f.TempoConfidence:0.00}\t{f.LoudnessLufs:0.0} LUFS\t{f.EnergyDb:0.0} dBFS\t{f.BrightnessHz:0} Hz\t{f.Key} {f.Mode}\t{f.OnsetsPerSecond:0.00} onsets/s\tvalence {f.Valence:0.00}\tarousal {f.Arousal:0.00}"));
            }
            catch (Exception ex) when (ex is AudioAnalysisException or FileNotFoundException)
            {
                await stderr.WriteLineAsync($"{file}\terror: {ex.Message}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }

    public static async Task<int> CheckAsync(string libraryPath, TextWriter stdout)
    {
        await using var provider = Services(libraryPath);
        var snapshot = provider.GetRequiredService<IMusicLibrary>().Current;
        foreach (var p in snapshot.Playlists)
        {
            await stdout.WriteLineAsync($"{p.Name}\t{p.Tracks.Count} tracks");
        }
        foreach (var problem in snapshot.Problems)
        {
            await stdout.WriteLineAsync($"problem\t{problem.Kind}\t{problem.Message}");
        }
        return snapshot.Problems.Count == 0 ? 0 : 1;
    }

    public static async Task<int> AnalyzeLibraryAsync(string libraryPath, bool overwrite, TextWriter stdout, CancellationToken ct)
    {
        await using var provider = Services(libraryPath);
        var snapshot = provider.GetRequiredService<IMusicLibrary>().Current;
        var written = await provider.GetRequiredService<MetadataAnalysisWriter>().AnalyzeMissingAsync(snapshot, overwrite, ct);
        await stdout.WriteLineAsync($"analysed and wrote {written} tracks");
        return 0;
    }

    public static async Task<int> TaggingReportAsync(string libraryPath, string? outTsv, TextWriter stdout, CancellationToken ct)
    {
        await using var provider = Services(libraryPath);
        var report = await TaggingReport.RunAsync(provider.GetRequiredService<IMusicLibrary>().Current, provider.GetRequiredService<AudioAnalyzer>(), ct);
        if (!string.IsNullOrEmpty(outTsv))
        {
            await File.WriteAllLinesAsync(outTsv, report.Rows, ct);
        }
        foreach (var line in string.IsNullOrEmpty(outTsv) ? report.Rows.Concat(report.Summary) : report.Summary)
        {
            await stdout.WriteLineAsync(line);
        }
        return 0;
    }

    public static async Task<int> QuadrantEvalAsync(string libraryPath, string folder, string? tsvOut, int parallelism, TextWriter stdout, CancellationToken ct)
    {
        await using var provider = Services(libraryPath);
        foreach (var row in await QuadrantEvaluation.RunAsync(folder, tsvOut, provider.GetRequiredService<AudioAnalyzer>(), parallelism, ct))
        {
            await stdout.WriteLineAsync(row);
        }
        return 0;
    }

    public static async Task<int> EmotionEvalAsync(string libraryPath, string audio, string annotations, TextWriter stdout, CancellationToken ct)
    {
        await using var provider = Services(libraryPath);
        foreach (var row in await EmotionEvaluation.RunAsync(audio, annotations, provider.GetRequiredService<AudioAnalyzer>(), ct))
        {
            await stdout.WriteLineAsync(row);
        }
        return 0;
    }
}
