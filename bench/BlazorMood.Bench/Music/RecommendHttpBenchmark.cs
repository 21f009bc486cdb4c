using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Bench.Infrastructure;
using BlazorMood.Bench.Live;
using BlazorMood.Music.Library;

namespace BlazorMood.Bench.Music;

/// <summary>
/// <c>bench recommend-http</c>: <c>GET /api/recommend</c> of the real app (a child process on a loopback port) over a
/// generated 10,000-track library written to a temporary folder (metadata.json with analysed tempos, empty audio
/// files: nothing is played). One client, one request at a time, signed in (the bench's own account) so feedback history and the
/// no-repeat window are in play. Latency is client-measured (HttpClient send → body read). Target: p99 ≤ 5 ms.
/// </summary>
public static class RecommendHttpBenchmark
{
    private const int TrackCount = 10_000;

    public static async Task<int> RunAsync(BenchSettings settings, string repoRoot)
    {
        var library = Directory.CreateTempSubdirectory("blazormood-bench-library-");
        var env = new Dictionary<string, string?>
        {
            // The child process inherits the environment: point it at the generated library, without a file watcher.
            ["Music__LibraryPath"] = library.FullName,
            ["Music__WatchForChanges"] = "false",
        };
        var saved = env.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            WriteLibrary(library.FullName);
            foreach (var (k, v) in env)
            {
                Environment.SetEnvironmentVariable(k, v);
            }
            await using var server = await ServerProcess.StartAsync(new LiveBenchOptions([], "", 0, null, null, null, settings.CacheRoot, settings.OutDir, repoRoot));
            foreach (var (k, v) in saved)
            {
                Environment.SetEnvironmentVariable(k, v);
            }

            using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = server.BaseUrl };
            server.Authorize(http.DefaultRequestHeaders);
            var report = new Report("recommend-http", ["scenario", "tracks", "runs", "p50 ms", "p95 ms", "p99 ms", "max ms", "server CPU s"]);
            var scenarios = new (string Name, Func<int, string> Query)[]
            {
                ("baseline, emotion=happy", _ => "api/recommend?emotion=happy"),
                ("context, emotion + running 162 spm + text", i => "api/recommend?mode=context&emotion=happy&activity=running&cadence=162"
                    + (i % 2 == 0 ? "&text=upbeat%20workout" : "")),
                ("context, nothing but the clock", _ => "api/recommend?mode=context"),
            };
            // The server's first seconds are a start-up transient (tiered JIT recompiling the library import and the
            // recommender in the background); warm up until it has settled, so the table shows a running server.
            var sinceStart = System.Diagnostics.Stopwatch.StartNew();
            foreach (var (name, query) in scenarios)
            {
                var first = JsonDocument.Parse(await http.GetStringAsync(query(0))).RootElement;
                if (first.GetProperty("tracks").EnumerateArray().FirstOrDefault() is not { ValueKind: JsonValueKind.Object } top
                    || top.GetProperty("title").GetString()?.StartsWith("Generated ", StringComparison.Ordinal) != true)
                {
                    throw new InvalidOperationException($"{name}: no generated track in the answer; did the app load {library.FullName}?");
                }
                for (var w = 0; w < Math.Max(settings.WarmUp, 300) || sinceStart.Elapsed < TimeSpan.FromSeconds(20); w++)
                {
                    await GetAsync(http, query(w));
                }
                var cpuBefore = server.CpuSeconds();
                var samples = new List<double>();
                var runs = Math.Max(settings.Iterations, 2000);
                for (var n = 0; n < runs; n++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await GetAsync(http, query(n));
                    samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                var cpu = server.CpuSeconds() - cpuBefore;
                var s = LatencySummary.Of(samples);
                var inv = CultureInfo.InvariantCulture;
                report.Add([name, TrackCount.ToString(inv), s.Samples.ToString(inv), Report.Ms(s.P50), Report.Ms(s.P95), Report.Ms(s.P99), Report.Ms(s.Max),
                        cpu is { } c ? c.ToString("F2", inv) : "–"],
                    new { scenario = name, tracks = TrackCount, latency = s, serverCpuSeconds = cpu });
            }
            Console.WriteLine(report.ToTable());
            Console.WriteLine("Target: GET /api/recommend p99 ≤ 5 ms on a 10,000-track library.");
            Console.WriteLine($"JSON: {await report.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), settings)}");
            return 0;
        }
        finally
        {
            foreach (var (k, v) in saved)
            {
                Environment.SetEnvironmentVariable(k, v);
            }
            library.Delete(recursive: true);
        }
    }

    private static async Task GetAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync(query, HttpCompletionOption.ResponseContentRead);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Every required playlist, tracks spread evenly, tempos 50–180 BPM (fixed seed).</summary>
    private static void WriteLibrary(string root)
    {
        var rng = new Random(7);
        var playlists = PlaylistNames.Required;
        for (var p = 0; p < playlists.Count; p++)
        {
            var folder = Path.Combine(root, playlists[p]);
            Directory.CreateDirectory(folder);
            var entries = new List<object>();
            for (var i = p; i < TrackCount; i += playlists.Count)
            {
                var file = $"t{i:00000}.opus";
                File.WriteAllBytes(Path.Combine(folder, file), []);
                var bpm = 50 + rng.Next(0, 130);
                entries.Add(new { title = $"Generated {i} ({bpm} BPM)", artist = "bench", duration = 180.0, filepath = file, analysis = new { bpm } });
            }
            File.WriteAllText(Path.Combine(folder, "metadata.json"), JsonSerializer.Serialize(entries));
        }
    }
}
