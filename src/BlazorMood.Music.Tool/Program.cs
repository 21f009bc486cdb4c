using System.Globalization;
using BlazorMood.Music;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Synthesis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// blazormood-music generate-starter [--out playlists] [--tracks 5] [--seconds 30] [--bitrate 48] [--seed 1]
// blazormood-music analyze <file>...
// blazormood-music check [--library playlists]
// blazormood-music analyze-library [--library playlists] [--overwrite]
// blazormood-music tagging-report [--library playlists] [--out report.tsv]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage:
          blazormood-music generate-starter [--out playlists] [--tracks 5] [--seconds 30] [--bitrate 48] [--seed 1] [--only a,b]
          blazormood-music analyze <audio file>...
          blazormood-music check [--library playlists]
          blazormood-music analyze-library [--library playlists] [--overwrite]   (writes "analysis" into metadata.json)
          blazormood-music tagging-report [--library playlists] [--out report.tsv]   (measures every track against the generator's tempo and key)
          blazormood-music emotion-eval --audio DIR --annotations static_annotations.csv   (valence/arousal estimate vs listener ratings)
        """);
    return args.Length == 0 ? 2 : 0;
}

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

int IntOption(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var services = new ServiceCollection()
    .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information))
    .AddMusic(o =>
    {
        o.LibraryPath = Path.GetFullPath(Option("--library", "playlists"));
        o.WatchForChanges = false;
    });
services.AddSingleton<StarterLibraryGenerator>();
await using var provider = services.BuildServiceProvider();
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

switch (args[0])
{
    case "generate-starter":
    {
        var outDir = Path.GetFullPath(Option("--out", "playlists"));
        var options = new StarterLibraryOptions
        {
            TracksPerPlaylist = IntOption("--tracks", 5),
            TargetSeconds = IntOption("--seconds", 30),
            BitrateKbps = IntOption("--bitrate", 48),
            Seed = IntOption("--seed", 1),
            Only = Option("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var tracks = await provider.GetRequiredService<StarterLibraryGenerator>().GenerateAsync(outDir, options, cts.Token);
        var bytes = tracks.Sum(t => t.Bytes);
        var near = tracks.Count(t => t.AnalysedBpm is { } a && Math.Abs(a - t.Bpm) <= 0.02 * t.Bpm);
        Console.WriteLine($"{tracks.Count} tracks in {outDir}: {bytes / 1048576.0:0.0} MiB; analysed tempo within 2% of the generator's for {near}/{tracks.Count}");
        return 0;
    }
    case "analyze":
    {
        var analyzer = provider.GetRequiredService<AudioAnalyzer>();
        var failed = 0;
        foreach (var file in args.Skip(1))
        {
            try
            {
                var f = await analyzer.AnalyzeAsync(file, cts.Token);
                Console.WriteLine(FormattableString.Invariant(
                    $"{file}\t{f.DurationSeconds:0.00} s\t{f.Bpm:0.0} BPM\tconf {f.TempoConfidence:0.00}\t{f.LoudnessLufs:0.0} LUFS\t{f.EnergyDb:0.0} dBFS\t{f.BrightnessHz:0} Hz\t{f.Key} {f.Mode}\t{f.OnsetsPerSecond:0.00} onsets/s\tvalence {f.Valence:0.00}\tarousal {f.Arousal:0.00}"));
            }
            catch (Exception ex) when (ex is AudioAnalysisException or FileNotFoundException)
            {
                Console.Error.WriteLine($"{file}\terror: {ex.Message}");
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }
    case "check":
    {
        var snapshot = provider.GetRequiredService<IMusicLibrary>().Current;
        foreach (var p in snapshot.Playlists)
        {
            Console.WriteLine($"{p.Name}\t{p.Tracks.Count} tracks");
        }
        foreach (var problem in snapshot.Problems)
        {
            Console.WriteLine($"problem\t{problem.Kind}\t{problem.Message}");
        }
        return snapshot.Problems.Count == 0 ? 0 : 1;
    }
    case "analyze-library":
    {
        var snapshot = provider.GetRequiredService<IMusicLibrary>().Current;
        var written = await provider.GetRequiredService<MetadataAnalysisWriter>().AnalyzeMissingAsync(snapshot, args.Contains("--overwrite"), cts.Token);
        Console.WriteLine($"analysed and wrote {written} tracks");
        return 0;
    }
    case "tagging-report":
    {
        var report = await TaggingReport.RunAsync(provider.GetRequiredService<IMusicLibrary>().Current, provider.GetRequiredService<AudioAnalyzer>(), cts.Token);
        var tsv = Option("--out", "");
        if (tsv.Length > 0)
        {
            await File.WriteAllLinesAsync(tsv, report.Rows, cts.Token);
        }
        foreach (var line in tsv.Length > 0 ? report.Summary : report.Rows.Concat(report.Summary))
        {
            Console.WriteLine(line);
        }
        return 0;
    }
    case "emotion-eval":
    {
        var rows = await EmotionEvaluation.RunAsync(Option("--audio", ""), Option("--annotations", ""), provider.GetRequiredService<AudioAnalyzer>(), cts.Token);
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }
        return 0;
    }
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}' (try --help)");
        return 2;
}
