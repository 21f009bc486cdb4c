using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BlazorMood.Bench.Infrastructure;
using BlazorMood.ModelImport.Debian;
using BlazorMood.ModelImport.Npm;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Bench.Live;

/// <summary>
/// <c>bench live</c>: N simulated browsers (SignalR .NET client, MessagePack) stream real face JPEGs to the live hub at
/// F fps for T seconds, one frame in flight each, exactly like wwwroot/js/live-emotion.js. Reports frame→result latency
/// percentiles, throughput, dropped frames, and the server process's CPU and peak RSS (read from /proc).
/// The server is the real app, started as a child process on a loopback port (or an existing one: --url + --server-pid).
/// </summary>
public static class LiveBenchmark
{
    public static async Task<int> RunAsync(LiveBenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var frames = await LoadFramesAsync(options.CacheRoot, options.Photos);
        Console.WriteLine($"live: {frames.Count} {options.Photos}-face frames, 320×240 JPEG q75, {frames.Average(f => f.Length) / 1024:F1} KiB average");

        await using var server = options.Url is null ? await ServerProcess.StartAsync(options) : ServerProcess.Attach(options.Url, options.ServerPid);
        var report = new Report("live", ["clients", "fps", "seconds", "sent", "analysed", "dropped", "drop %", "results/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "server p50 ms", "server CPU %", "peak RSS MB"]);
        var ok = true;
        foreach (var scenario in options.Scenarios)
        {
            var r = await RunScenarioAsync(server, frames, scenario, options.WarmUp);
            report.Add(
            [
                r.Clients.ToString(CultureInfo.InvariantCulture), r.Fps.ToString(CultureInfo.InvariantCulture), r.Seconds.ToString(CultureInfo.InvariantCulture),
                r.Sent.ToString(CultureInfo.InvariantCulture), r.Analysed.ToString(CultureInfo.InvariantCulture), r.Dropped.ToString(CultureInfo.InvariantCulture),
                r.DroppedPercent.ToString("F2", CultureInfo.InvariantCulture), r.ResultsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                Report.Ms(r.Latency.P50), Report.Ms(r.Latency.P95), Report.Ms(r.Latency.P99), Report.Ms(r.Latency.Max), Report.Ms(r.ServerP50Ms),
                r.ServerCpuPercent?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a", r.PeakRssMb?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a",
            ], r);
            ok &= r.Errors == 0;
        }
        Console.WriteLine();
        Console.WriteLine(report.ToTable());
        Console.WriteLine("latency: client-measured, frame sent → result received (JPEG already encoded); server CPU: % of one core over the measured window; drop: frames the hub's rate gate discarded.");
        var path = await report.WriteJsonAsync(options.OutDir, MachineInfo.Current(), new { options.Scenarios, options.WarmUp, options.Photos, frames = frames.Count, frameSize = "320x240", jpegQuality = 75 });
        Console.WriteLine($"json: {path}");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// 320×240 JPEG q75 frames as the browser sends them. <c>single</c>: the astronaut photo (one face, like a person at a
    /// laptop) cropped at six offsets so consecutive frames differ as a moving head would; <c>group</c>: face-api's six
    /// group photos (3–5 faces each).
    /// </summary>
    internal static async Task<IReadOnlyList<byte[]>> LoadFramesAsync(string cacheRoot, string photos)
    {
        var frames = new List<byte[]>();
        if (photos == "group")
        {
            var faceApi = await NpmPackageFetcher.FetchAsync(NpmPackageSpec.FaceApi, cacheRoot);
            for (var i = 1; i <= 6; i++)
            {
                using var image = await Image.LoadAsync(Path.Combine(faceApi, "demo", $"sample{i}.jpg"));
                frames.Add(await EncodeAsync(image));
            }
            return frames;
        }
        using var astronaut = await Image.LoadAsync(await DebianPackageFetcher.FetchAstronautPngAsync(cacheRoot));
        for (var i = 0; i < 6; i++)
        {
            using var moved = astronaut.Clone(x => x.Crop(new Rectangle(i * 12, i * 6, astronaut.Width - 72, astronaut.Height - 36)));
            frames.Add(await EncodeAsync(moved));
        }
        return frames;
    }

    private static async Task<byte[]> EncodeAsync(Image image)
    {
        image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(320, 240), Mode = ResizeMode.Max }));
        using var ms = new MemoryStream();
        await image.SaveAsync(ms, new JpegEncoder { Quality = 75 });
        return ms.ToArray();
    }

    private static async Task<LiveScenarioResult> RunScenarioAsync(ServerProcess server, IReadOnlyList<byte[]> frames, LiveScenario scenario, double warmUpSeconds)
    {
        Console.WriteLine($"live: {scenario.Clients} client(s) × {scenario.Fps} fps × {scenario.Seconds} s (+{warmUpSeconds} s warm-up)…");
        var connections = new List<HubConnection>();
        for (var i = 0; i < scenario.Clients; i++)
        {
            var c = new HubConnectionBuilder().WithUrl(new Uri(server.BaseUrl, "hubs/emotion"), server.Authorize).AddMessagePackProtocol().Build();
            await c.StartAsync();
            connections.Add(c);
        }
        try
        {
            var clients = connections.Select((c, i) => new ClientRun(c, frames, scenario.Fps, i)).ToArray();
            using var warm = new CancellationTokenSource(TimeSpan.FromSeconds(warmUpSeconds));
            await Task.WhenAll(clients.Select(c => c.RunAsync(record: false, warm.Token)));

            var cpuBefore = server.CpuSeconds();
            using var rss = server.SampleRss(TimeSpan.FromMilliseconds(200));
            var wall = Stopwatch.StartNew();
            using var measured = new CancellationTokenSource(TimeSpan.FromSeconds(scenario.Seconds));
            await Task.WhenAll(clients.Select(c => c.RunAsync(record: true, measured.Token)));
            var elapsed = wall.Elapsed.TotalSeconds;
            var cpuAfter = server.CpuSeconds();

            var latencies = clients.SelectMany(c => c.Latencies).ToList();
            var serverMs = clients.SelectMany(c => c.ServerMs).OrderBy(x => x).ToArray();
            var sent = clients.Sum(c => c.Sent);
            var dropped = clients.Sum(c => c.Dropped);
            var analysed = clients.Sum(c => c.Analysed);
            return new LiveScenarioResult(
                scenario.Clients, scenario.Fps, scenario.Seconds, sent, analysed, dropped, clients.Sum(c => c.Errors), clients.Sum(c => c.Late),
                sent == 0 ? 0 : 100.0 * dropped / sent,
                analysed / elapsed,
                LatencySummary.Of(latencies),
                serverMs.Length == 0 ? 0 : LatencySummary.Percentile(serverMs, 50),
                cpuBefore is { } b && cpuAfter is { } a ? 100 * (a - b) / elapsed : null,
                rss.PeakMb);
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
    }

    /// <summary>One simulated browser: paced at F fps, never more than one frame in flight; late frames are skipped, not bunched.</summary>
    internal sealed class ClientRun(HubConnection connection, IReadOnlyList<byte[]> frames, int fps, int offset)
    {
        private long _sequence;

        public List<double> Latencies { get; } = [];

        public List<double> ServerMs { get; } = [];

        public int Sent { get; private set; }

        public int Analysed { get; private set; }

        public int Dropped { get; private set; }

        public int Errors { get; private set; }

        /// <summary>Frame slots skipped because the previous result came back after the next slot (the browser would capture less often).</summary>
        public int Late { get; private set; }

        public async Task RunAsync(bool record, CancellationToken ct)
        {
            var interval = TimeSpan.FromSeconds(1.0 / fps);
            var clock = Stopwatch.StartNew();
            // Spread the clients' first frames over one interval, as real browsers would be.
            var next = interval * (offset % 10 / 10.0);
            while (!ct.IsCancellationRequested)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
                var frame = frames[(int)((_sequence + offset) % frames.Count)];
                var start = Stopwatch.GetTimestamp();
                FrameReply reply;
                try
                {
                    reply = await connection.InvokeAsync<FrameReply>("AnalyzeFrame", ++_sequence, frame, CancellationToken.None);
                }
                catch (Exception e) when (e is HubException or IOException or InvalidOperationException)
                {
                    if (record)
                    {
                        Errors++;
                    }
                    continue;
                }
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                next += interval;
                if (clock.Elapsed > next)
                {
                    var skipped = (int)((clock.Elapsed - next) / interval) + 1;
                    next += interval * skipped;
                    if (record)
                    {
                        Late += skipped;
                    }
                }
                if (!record)
                {
                    continue;
                }
                Sent++;
                switch (reply.Status)
                {
                    case "Ok":
                        Analysed++;
                        Latencies.Add(ms);
                        ServerMs.Add(reply.Timings?.ServerMs ?? 0);
                        break;
                    case "Dropped":
                        Dropped++;
                        break;
                    default:
                        Errors++;
                        break;
                }
            }
        }
    }
}

/// <summary>The fields of the hub's reply the benchmark reads (MessagePack map keys are the server's property names).</summary>
public sealed class FrameReply
{
    public string Status { get; set; } = "";

    public FrameReplyTimings? Timings { get; set; }
}

public sealed class FrameReplyTimings
{
    public double ServerMs { get; set; }
}

public sealed record LiveScenario(int Clients, int Fps, int Seconds);

public sealed record LiveScenarioResult(
    int Clients, int Fps, int Seconds, int Sent, int Analysed, int Dropped, int Errors, int LateSlots,
    double DroppedPercent, double ResultsPerSecond, LatencySummary Latency, double ServerP50Ms, double? ServerCpuPercent, double? PeakRssMb);

/// <summary>What <c>bench live</c> runs (read from the command line by <see cref="BenchCommandLine"/>).</summary>
public sealed record LiveBenchOptions(
    IReadOnlyList<LiveScenario> Scenarios, string Photos, double WarmUp, Uri? Url, int? ServerPid, string? ServerDll, string CacheRoot, string OutDir, string RepoRoot)
{
}
