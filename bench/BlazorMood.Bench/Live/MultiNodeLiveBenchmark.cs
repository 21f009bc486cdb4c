using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BlazorMood.Bench.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Bench.Live;

/// <summary>
/// <c>bench live --nodes N</c>: the live benchmark against a deployment of N web nodes (<c>Node:Role=web</c>) sharing one
/// PostgreSQL database and one Redis (SignalR backplane and notifier relay), as issue 8's compose file runs them. Each
/// simulated browser talks to one node for the whole run, assigned round-robin as a sticky proxy would, and is signed in
/// on that node. The capacity figure is frames analysed per second per core of web-node CPU: analysed frames divided
/// by the CPU seconds the nodes used over the measured window.
/// </summary>
public static class MultiNodeLiveBenchmark
{
    public static async Task<int> RunAsync(LiveBenchOptions options, int nodeCount, LiveScenario scenario, bool compare)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scenario);
        compare &= nodeCount > 1;
        // Ctrl+C ends the pass under way and still stops the nodes, drops the database and stops the services.
        using var interrupted = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            Console.Error.WriteLine("live: interrupted; stopping the nodes and the services…");
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunNodesAsync(options, nodeCount, scenario, compare, interrupted.Token);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunNodesAsync(LiveBenchOptions options, int nodeCount, LiveScenario scenario, bool compare, CancellationToken stop)
    {
        var frames = await LiveBenchmark.LoadFramesAsync(options.CacheRoot, options.Photos);
        Console.WriteLine($"live: {frames.Count} {options.Photos}-face frames, 320×240 JPEG q75, {frames.Average(f => f.Length) / 1024:F1} KiB average");

        await using var services = await SharedServices.StartAsync(options.RepoRoot, CancellationToken.None);
        Console.WriteLine($"live: PostgreSQL database {services.Database} and Redis {services.Redis} from {services.Origin}");
        var runDir = Directory.CreateTempSubdirectory("blazormood-bench-nodes-").FullName;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Node__Role"] = "web",
            ["Data__Provider"] = "Postgres",
            ["Data__PostgresConnectionString"] = services.DatabaseConnectionString,
            ["Redis__Configuration"] = services.Redis,
            // A prefix of this run only: a Redis shared with tests or other runs carries none of their messages here.
            ["Redis__ChannelPrefix"] = "bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            // The shared volume of a deployment: one folder for all nodes (the live path writes nothing there).
            ["VideoJobs__StoragePath"] = Path.Combine(runDir, "videos"),
        };
        var adminEmail = "bench@blazormood.invalid";
        var adminPassword = ServerProcess.NewAdminPassword();
        var nodes = new List<(string Name, ServerProcess Server)>();
        var report = new Report("live-nodes", [
            "pass", "node", "clients", "sent", "analysed", "dropped", "drop %", "results/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
            "server p50 ms", "CPU %", "peak RSS MB", "frames/s per core"]);
        var passes = new List<PassSummary>();
        var ok = true;
        try
        {
            // One after another: every node migrates the database and seeds the roles and the administrator when it
            // starts, and two nodes doing that at the same moment on an empty database can collide (both create the
            // same account). A deployment starts the first node, then the others; the bench does the same.
            async Task StartNodeAsync()
            {
                var name = ((char)('A' + nodes.Count)).ToString();
                var server = await ServerProcess.StartAsync(options, new NodeLaunch("node " + name, environment, adminEmail, adminPassword));
                nodes.Add((name, server));
            }
            await StartNodeAsync();
            stop.ThrowIfCancellationRequested();
            if (compare)
            {
                // The same load per node as the full pass, on node A before any other node exists.
                var perNode = new LiveScenario(Math.Max(1, (int)Math.Round(scenario.Clients / (double)nodeCount)), scenario.Fps, scenario.Seconds);
                var single = await RunPassAsync("1 node", nodes, frames, perNode, options.WarmUp, services, stop);
                passes.Add(single);
                ok &= single.Rows.All(r => r.Errors == 0);
            }
            while (nodes.Count < nodeCount)
            {
                await StartNodeAsync();
                stop.ThrowIfCancellationRequested();
            }
            var full = await RunPassAsync(nodeCount == 1 ? "1 node" : $"{nodeCount} nodes", nodes, frames, scenario, options.WarmUp, services, stop);
            passes.Add(full);
            ok &= full.Rows.All(r => r.Errors == 0);
        }
        finally
        {
            foreach (var (_, server) in nodes)
            {
                await server.DisposeAsync();
            }
            try
            {
                Directory.Delete(runDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        foreach (var row in passes.SelectMany(p => p.Rows))
        {
            report.Add(
            [
                row.Pass, row.Node, Whole(row.Clients), Whole(row.Sent), Whole(row.Analysed), Whole(row.Dropped),
                row.DroppedPercent.ToString("F2", CultureInfo.InvariantCulture), row.ResultsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                Report.Ms(row.Latency.P50), Report.Ms(row.Latency.P95), Report.Ms(row.Latency.P99), Report.Ms(row.Latency.Max), Report.Ms(row.ServerP50Ms),
                row.CpuPercent?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a", row.PeakRssMb?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a",
                row.FramesPerCoreSecond?.ToString("F1", CultureInfo.InvariantCulture) ?? "n/a",
            ], row);
        }
        Console.WriteLine();
        Console.WriteLine(report.ToTable());
        Console.WriteLine("latency: client-measured, frame sent → result received; CPU %: of one core over the measured window (total: sum of the web nodes);");
        Console.WriteLine("peak RSS: per node (total: sum of the nodes' peaks); frames/s per core: frames analysed ÷ web-node CPU seconds (the capacity figure).");
        foreach (var pass in passes)
        {
            Console.WriteLine(pass.ServicesCpuPercent is { } s
                ? $"{pass.Name}: PostgreSQL {s.PostgresPercent:F0} % and Redis {s.RedisPercent:F0} % of one core; frames/s per core with them counted: {pass.FramesPerCoreSecondWithServices:F1}"
                : $"{pass.Name}: PostgreSQL and Redis CPU not measured (servers from the environment, possibly shared)");
        }
        var path = await report.WriteJsonAsync(options.OutDir, MachineInfo.Current(), new
        {
            nodes = nodeCount,
            role = "web",
            database = "PostgreSQL (a database made for the run)",
            realtime = "Redis (SignalR backplane and notifier relay)",
            services = services.Origin,
            startOrder = "sequential (each node ready on /readyz before the next starts)",
            assignment = "round-robin per client, sticky for the run; each client signed in on its node",
            scenario,
            compare,
            options.WarmUp,
            options.Photos,
            frames = frames.Count,
            frameSize = "320x240",
            jpegQuality = 75,
            passes = passes.Select(p => new { p.Name, p.Nodes, p.Clients, p.ElapsedSeconds, p.ServicesCpuPercent, p.FramesPerCoreSecondWithServices }),
        });
        Console.WriteLine($"json: {path}");
        return ok ? 0 : 1;
    }

    private static async Task<PassSummary> RunPassAsync(
        string name, IReadOnlyList<(string Name, ServerProcess Server)> nodes, IReadOnlyList<byte[]> frames, LiveScenario scenario, double warmUpSeconds, SharedServices services, CancellationToken stop)
    {
        Console.WriteLine($"live: {name}: {scenario.Clients} client(s) × {scenario.Fps} fps × {scenario.Seconds} s (+{warmUpSeconds} s warm-up), round-robin over {nodes.Count} node(s)…");
        var connections = new List<HubConnection>();
        var nodeOfClient = new List<int>();
        try
        {
            for (var i = 0; i < scenario.Clients; i++)
            {
                var node = nodes[i % nodes.Count].Server;
                var c = new HubConnectionBuilder().WithUrl(new Uri(node.BaseUrl, "hubs/emotion"), node.Authorize).AddMessagePackProtocol().Build();
                await c.StartAsync(stop);
                connections.Add(c);
                nodeOfClient.Add(i % nodes.Count);
            }
            var clients = connections.Select((c, i) => new LiveBenchmark.ClientRun(c, frames, scenario.Fps, i)).ToArray();
            using (var warm = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                warm.CancelAfter(TimeSpan.FromSeconds(warmUpSeconds));
                await Task.WhenAll(clients.Select(c => c.RunAsync(record: false, warm.Token)));
            }

            var cpuBefore = nodes.Select(n => n.Server.CpuSeconds()).ToArray();
            var servicesBefore = services.CpuSeconds();
            var rss = nodes.Select(n => n.Server.SampleRss(TimeSpan.FromMilliseconds(200))).ToArray();
            double elapsed;
            try
            {
                var wall = Stopwatch.StartNew();
                using var measured = CancellationTokenSource.CreateLinkedTokenSource(stop);
                measured.CancelAfter(TimeSpan.FromSeconds(scenario.Seconds));
                await Task.WhenAll(clients.Select(c => c.RunAsync(record: true, measured.Token)));
                elapsed = wall.Elapsed.TotalSeconds;
            }
            finally
            {
                foreach (var sampler in rss)
                {
                    sampler.Dispose();
                }
            }
            var cpuAfter = nodes.Select(n => n.Server.CpuSeconds()).ToArray();
            var servicesAfter = services.CpuSeconds();
            stop.ThrowIfCancellationRequested();

            var rows = new List<NodeRow>();
            for (var n = 0; n < nodes.Count; n++)
            {
                var mine = clients.Where((_, i) => nodeOfClient[i] == n).ToArray();
                var cpu = cpuBefore[n] is { } b && cpuAfter[n] is { } a ? a - b : (double?)null;
                rows.Add(Row(name, nodes[n].Name, scenario, mine, elapsed, cpu, rss[n].PeakMb));
            }
            var totalCpu = rows.All(r => r.CpuSeconds is not null) ? rows.Sum(r => r.CpuSeconds!.Value) : (double?)null;
            var totalRss = rows.All(r => r.PeakRssMb is not null) ? rows.Sum(r => r.PeakRssMb!.Value) : (double?)null;
            var total = Row(name, "total", scenario, clients, elapsed, totalCpu, totalRss);
            if (nodes.Count > 1)
            {
                rows.Add(total);
            }
            ServicesCpu? servicesPercent = null;
            double? withServices = null;
            if (servicesBefore is { } sb && servicesAfter is { } sa)
            {
                servicesPercent = new ServicesCpu(100 * (sa.Postgres - sb.Postgres) / elapsed, 100 * (sa.Redis - sb.Redis) / elapsed);
                var seconds = (totalCpu ?? 0) + (sa.Postgres - sb.Postgres) + (sa.Redis - sb.Redis);
                withServices = totalCpu is null || seconds <= 0 ? null : total.Analysed / seconds;
            }
            return new PassSummary(name, nodes.Count, scenario.Clients, elapsed, rows, servicesPercent, withServices);
        }
        finally
        {
            foreach (var c in connections)
            {
                await c.DisposeAsync();
            }
        }
    }

    private static NodeRow Row(string pass, string node, LiveScenario scenario, IReadOnlyList<LiveBenchmark.ClientRun> clients, double elapsed, double? cpuSeconds, double? peakRssMb)
    {
        var sent = clients.Sum(c => c.Sent);
        var dropped = clients.Sum(c => c.Dropped);
        var analysed = clients.Sum(c => c.Analysed);
        var serverMs = clients.SelectMany(c => c.ServerMs).Order().ToArray();
        return new NodeRow(
            pass, node, clients.Count, scenario.Fps, scenario.Seconds, sent, analysed, dropped, clients.Sum(c => c.Errors), clients.Sum(c => c.Late),
            sent == 0 ? 0 : 100.0 * dropped / sent,
            analysed / elapsed,
            LatencySummary.Of(clients.SelectMany(c => c.Latencies).ToList()),
            serverMs.Length == 0 ? 0 : LatencySummary.Percentile(serverMs, 50),
            cpuSeconds,
            cpuSeconds is { } s ? 100 * s / elapsed : null,
            peakRssMb,
            cpuSeconds is > 0 ? analysed / cpuSeconds.Value : null);
    }

    private static string Whole(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One measured pass: the nodes it ran on, its rows (each node, then the total), and the shared servers' CPU when known.</summary>
    private sealed record PassSummary(
        string Name, int Nodes, int Clients, double ElapsedSeconds, IReadOnlyList<NodeRow> Rows, ServicesCpu? ServicesCpuPercent, double? FramesPerCoreSecondWithServices);
}

/// <summary>One node's share of a pass (or the pass's total): what its clients sent and got back, and what the node used.</summary>
public sealed record NodeRow(
    string Pass, string Node, int Clients, int Fps, int Seconds, int Sent, int Analysed, int Dropped, int Errors, int LateSlots,
    double DroppedPercent, double ResultsPerSecond, LatencySummary Latency, double ServerP50Ms,
    double? CpuSeconds, double? CpuPercent, double? PeakRssMb, double? FramesPerCoreSecond);

/// <summary>CPU of the shared servers over a pass, in % of one core (known only for servers the bench started).</summary>
public sealed record ServicesCpu(double PostgresPercent, double RedisPercent);
