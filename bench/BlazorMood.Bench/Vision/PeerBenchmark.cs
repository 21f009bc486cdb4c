using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Bench.Infrastructure;
using BlazorMood.ModelImport.Debian;
using BlazorMood.ModelImport.Npm;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Bench.Vision;

/// <summary>
/// <c>bench peer</c>: the product's whole per-frame emotion path (JPEG decode → BlazeFace → Human's and face-api's
/// expression models → learned fusion, one intra-op thread) against Human 3.3.6 itself (TF.js WASM backend in Node,
/// face detector + emotion, <c>bench/peer/human-peer.mjs</c>) on the same 640×480 frames in the same run, and the ratio.
/// The product is measured before and after Human and the slower of its two series is compared, so a load change during
/// the run counts against the product. Human gets the frames already decoded (its JPEG decoding is not timed).
/// Then the stream path: the product's with its stream memory against Human analysing every frame, and, paced at a
/// camera's 10 frames a second, against Human with its own caching and frame skipping at their defaults.
/// </summary>
public static class PeerBenchmark
{
    private const double TargetRatio = 5;

    /// <summary>Frame rate of the paced stream comparison: the live tab's default send rate.</summary>
    private const int StreamFps = 10;

    public static async Task<int> RunAsync(BenchSettings settings, string repoRoot)
    {
        var astronaut = await DebianPackageFetcher.FetchAstronautPngAsync(settings.CacheRoot);
        var faceApi = await NpmPackageFetcher.FetchAsync(NpmPackageSpec.FaceApi, settings.CacheRoot);
        await NpmPackageFetcher.FetchAsync(NpmPackageSpec.Human, settings.CacheRoot);
        var frames = new (string Name, byte[] Jpeg)[]
        {
            ("1-face", FramePathBenchmark.MakeFrame(astronaut, 640, 480)),
            ("5-faces", FramePathBenchmark.MakeFrame(Path.Combine(faceApi, "demo", "sample5.jpg"), 640, 480)),
        };
        var dir = Directory.CreateTempSubdirectory("blazormood-peer-").FullName;
        try
        {
            foreach (var (name, jpeg) in frames)
            {
                using var decoded = Image.Load<Rgb24>(jpeg);
                var rgb = new byte[decoded.Width * decoded.Height * 3];
                decoded.CopyPixelDataTo(rgb);
                await File.WriteAllBytesAsync(Path.Combine(dir, name + ".rgb"), rgb);
                await File.WriteAllTextAsync(Path.Combine(dir, name + ".json"), JsonSerializer.Serialize(new { width = decoded.Width, height = decoded.Height }));
            }

            await using var provider = new ServiceCollection()
                .AddVision(o =>
                {
                    o.ModelsPath = settings.ModelsPath;
                    o.ExecutionProvider = ExecutionProvider.Cpu;
                    o.IntraOpThreads = 1;
                    o.Pose.Enabled = false;
                    o.Objects.Enabled = false;
                })
                .BuildServiceProvider();
            var analyzer = provider.GetRequiredService<EmotionAnalyzer>();
            if (!analyzer.Fused)
            {
                Console.Error.WriteLine("The analyzer is not fusing both models (face-expression.onnx or emotion-fusion.json disabled or missing).");
                return 1;
            }

            var cpuBefore = new Dictionary<string, List<double>>();
            var cpuAfter = new Dictionary<string, List<double>>();
            Action Timed(byte[] jpeg, Dictionary<string, List<double>> cpu, string name)
            {
                cpu[name] = [];
                return () =>
                {
                    var c0 = ThreadCpuTime.NowMs();
                    analyzer.Analyze(jpeg);
                    cpu[name].Add(ThreadCpuTime.NowMs() - c0);
                };
            }
            var before = frames.ToDictionary(f => f.Name, f => LatencySummary.Of(ModelLatencyBenchmark.Measure(Timed(f.Jpeg, cpuBefore, f.Name), settings)));
            var human = await RunHumanAsync(repoRoot, settings, "--frames", dir);
            var after = frames.ToDictionary(f => f.Name, f => LatencySummary.Of(ModelLatencyBenchmark.Measure(Timed(f.Jpeg, cpuAfter, f.Name), settings)));

            var report = new Report("peer", ["frame", "faces (product / Human)", "product p50 ms", "product p95 ms", "Human p50 ms", "Human p95 ms", "ratio p50", "ratio p95",
                "product CPU p50 / p95 ms", "Human CPU p50 / p95 ms", "CPU ratio p50 / p95"]);
            var inv = CultureInfo.InvariantCulture;
            var ok = true;
            foreach (var (name, jpeg) in frames)
            {
                var product = before[name].P50 >= after[name].P50 ? before[name] : after[name];
                var productP95 = Math.Max(before[name].P95, after[name].P95);
                var peer = human.GetProperty("results").EnumerateArray().First(r => r.GetProperty("frame").GetString() == name);
                var (hp50, hp95) = (peer.GetProperty("p50").GetDouble(), peer.GetProperty("p95").GetDouble());
                var faces = analyzer.Analyze(jpeg).Faces.Count;
                var (r50, r95) = (hp50 / product.P50, hp95 / productP95);
                ok &= r50 >= TargetRatio && r95 >= TargetRatio;
                // CPU time: the work per frame, without the waits for a core that a loaded machine adds to wall-clock times.
                var productCpu = LatencySummary.Of(cpuBefore[name].Concat(cpuAfter[name]).ToList());
                var (hc50, hc95) = (peer.GetProperty("cpuP50").GetDouble(), peer.GetProperty("cpuP95").GetDouble());
                report.Add([$"{name} 640×480 JPEG {jpeg.Length / 1024} KB", $"{faces} / {peer.GetProperty("faces").GetInt32()}", Report.Ms(product.P50), Report.Ms(productP95),
                        Report.Ms(hp50), Report.Ms(hp95), r50.ToString("F1", inv) + "×", r95.ToString("F1", inv) + "×",
                        $"{Report.Ms(productCpu.P50)} / {Report.Ms(productCpu.P95)}", $"{Report.Ms(hc50)} / {Report.Ms(hc95)}",
                        $"{(hc50 / productCpu.P50).ToString("F1", inv)}× / {(hc95 / productCpu.P95).ToString("F1", inv)}×"],
                    new { frame = name, productBefore = before[name], productAfter = after[name], productCpu, human = JsonSerializer.Deserialize<object>(peer.GetRawText()), ratioP50 = r50, ratioP95 = r95,
                        cpuRatioP50 = hc50 / productCpu.P50, cpuRatioP95 = hc95 / productCpu.P95 });
            }
            Console.WriteLine(report.ToTable());

            // The live hub's cost per frame of one stream: a face that stays the same face refreshes one model view per
            // frame (EmotionReuseMemory), a still picture skips the detector every other frame (the
            // stream's MotionMeter), and between whole-frame detections the faces are followed by the tracking detector
            // (TrackingFaceDetector). "still" is the same frame over and over (a person sitting perfectly still: the best
            // case); "moving" shifts the picture along a circle of 12 px radius, one step per frame over 24 frames, so
            // the motion meter never lets detection be skipped. Human's own result caching stays off, so these rows
            // compare the product's stream path with Human analysing every frame in full (not like for like: the paced
            // table after them plays the same streams to Human with its caching on).
            var stream = new Report("peer-stream", ["frame", "product stream p50 ms", "product stream p95 ms", "faces reused", "detections skipped", "frames tracked",
                "ratio p50 / p95 to Human (every frame)", "stream CPU p50 / p95 ms"]);
            var sequences = frames.SelectMany(f => new[] { (Name: f.Name, Kind: "still", Jpegs: new[] { f.Jpeg }), (Name: f.Name, Kind: "moving", Jpegs: Circling(f.Jpeg, 24, 12)) }).ToArray();
            foreach (var (name, kind, sequence) in sequences)
            {
                var memory = new EmotionReuseMemory();
                var motion = new MotionMeter();
                var cpu = new List<double>();
                var analysed = 0;
                var series = LatencySummary.Of(ModelLatencyBenchmark.Measure(() =>
                {
                    var next = sequence[analysed % sequence.Length];
                    var c0 = ThreadCpuTime.NowMs();
                    analyzer.Analyze(next, memory, motion);
                    cpu.Add(ThreadCpuTime.NowMs() - c0);
                    analysed++;
                }, settings));
                var skipped = memory.SkippedDetections / (double)Math.Max(1, analysed);
                var tracked = memory.TrackedDetections / (double)Math.Max(1, analysed);
                var streamCpu = LatencySummary.Of(cpu);
                var peer = human.GetProperty("results").EnumerateArray().First(r => r.GetProperty("frame").GetString() == name);
                var (hp50, hp95) = (peer.GetProperty("p50").GetDouble(), peer.GetProperty("p95").GetDouble());
                var share = memory.ReusedFaces / (double)Math.Max(1, memory.ReusedFaces + memory.ClassifiedFaces);
                stream.Add([$"{name}, {kind}", Report.Ms(series.P50), Report.Ms(series.P95), share.ToString("P0", inv), skipped.ToString("P0", inv), tracked.ToString("P0", inv),
                        $"{(hp50 / series.P50).ToString("F1", inv)}× / {(hp95 / series.P95).ToString("F1", inv)}×", $"{Report.Ms(streamCpu.P50)} / {Report.Ms(streamCpu.P95)}"],
                    new { frame = name, kind, latency = series, cpu = streamCpu, reusedShare = share, skippedDetectionShare = skipped, trackedShare = tracked,
                        ratioP50 = hp50 / series.P50, ratioP95 = hp95 / series.P95 });
            }
            Console.WriteLine(stream.ToTable());
            Console.WriteLine($"JSON: {await stream.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), settings)}");

            // Like for like on a stream: both sides get the same sequences one frame every 1/StreamFps s, Human with its
            // own caching and frame skipping at their defaults (its caches count wall-clock time, so the frames must
            // come at a camera's pace), the product with its stream memory, as the live hub runs it.
            var streamDir = Path.Combine(dir, "streams");
            Directory.CreateDirectory(streamDir);
            foreach (var (name, kind, sequence) in sequences)
            {
                for (var i = 0; i < sequence.Length; i++)
                {
                    using var decoded = Image.Load<Rgb24>(sequence[i]);
                    var rgb = new byte[decoded.Width * decoded.Height * 3];
                    decoded.CopyPixelDataTo(rgb);
                    await File.WriteAllBytesAsync(Path.Combine(streamDir, FormattableString.Invariant($"{name}-{kind}.{i:D3}.rgb")), rgb);
                    if (i == 0)
                    {
                        await File.WriteAllTextAsync(Path.Combine(streamDir, $"{name}-{kind}.json"), JsonSerializer.Serialize(new { width = decoded.Width, height = decoded.Height }));
                    }
                }
            }
            var cached = await RunHumanAsync(repoRoot, settings, "--streams", streamDir, "--fps", StreamFps.ToString(inv));
            var paced = new Report("peer-stream-paced", ["stream", "product p50 / p95 ms", "Human with its caching p50 / p95 ms", "ratio p50 / p95",
                "product CPU p50 / p95 ms", "Human CPU p50 / p95 ms", "CPU ratio p50 / p95"]);
            foreach (var (name, kind, sequence) in sequences)
            {
                var (latency, cpu) = Paced(analyzer, sequence, settings);
                var peer = cached.GetProperty("results").EnumerateArray().First(r => r.GetProperty("stream").GetString() == $"{name}-{kind}");
                var (hp50, hp95, hc50, hc95) = (peer.GetProperty("p50").GetDouble(), peer.GetProperty("p95").GetDouble(), peer.GetProperty("cpuP50").GetDouble(), peer.GetProperty("cpuP95").GetDouble());
                paced.Add([$"{name}, {kind}", $"{Report.Ms(latency.P50)} / {Report.Ms(latency.P95)}", $"{Report.Ms(hp50)} / {Report.Ms(hp95)}",
                        $"{(hp50 / latency.P50).ToString("F1", inv)}× / {(hp95 / latency.P95).ToString("F1", inv)}×",
                        $"{Report.Ms(cpu.P50)} / {Report.Ms(cpu.P95)}", $"{Report.Ms(hc50)} / {Report.Ms(hc95)}",
                        $"{(hc50 / cpu.P50).ToString("F1", inv)}× / {(hc95 / cpu.P95).ToString("F1", inv)}×"],
                    new { stream = $"{name}-{kind}", fps = StreamFps, latency, cpu, human = JsonSerializer.Deserialize<object>(peer.GetRawText()), ratioP50 = hp50 / latency.P50, ratioP95 = hp95 / latency.P95 });
            }
            Console.WriteLine(paced.ToTable());
            Console.WriteLine($"Human's caching as used: {cached.GetProperty("caching").GetRawText()}");
            Console.WriteLine($"JSON: {await paced.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), settings)}");
            Console.WriteLine($"Human {human.GetProperty("version").GetString()} on tfjs-{human.GetProperty("backend").GetString()}; target wall-clock ratio ≥ {TargetRatio}× at p50 and p95: {(ok ? "met" : "NOT met")} (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}).");
            Console.WriteLine("CPU: the product's thread CPU time (CLOCK_THREAD_CPUTIME_ID); Human's process CPU time (process.cpuUsage, all of Node's threads).");
            Console.WriteLine($"JSON: {await report.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), settings)}");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary><paramref name="count"/> JPEGs of the frame shifted along a circle of <paramref name="radius"/> pixels (black where it moved away).</summary>
    private static byte[][] Circling(byte[] jpeg, int count, int radius)
    {
        using var source = Image.Load<Rgb24>(jpeg);
        var result = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var angle = 2 * Math.PI * i / count;
            using var shifted = new Image<Rgb24>(source.Width, source.Height);
            var offset = new Point((int)Math.Round(radius * Math.Cos(angle)), (int)Math.Round(radius * Math.Sin(angle)));
            shifted.Mutate(c => c.DrawImage(source, offset, 1f));
            using var buffer = new MemoryStream();
            shifted.SaveAsJpeg(buffer, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 80 });
            result[i] = buffer.ToArray();
        }
        return result;
    }

    /// <summary>
    /// The stream played to the analyzer one frame every 1/<see cref="StreamFps"/> s after a warm-up at full speed
    /// (which only fills the stream memory), with the same number of measured frames as the other series.
    /// </summary>
    private static (LatencySummary Latency, LatencySummary Cpu) Paced(EmotionAnalyzer analyzer, byte[][] sequence, BenchSettings settings)
    {
        var memory = new EmotionReuseMemory();
        var motion = new MotionMeter();
        for (var i = 0; i < settings.WarmUp; i++)
        {
            analyzer.Analyze(sequence[i % sequence.Length], memory, motion);
        }
        var wall = new List<double>(settings.Iterations);
        var cpu = new List<double>(settings.Iterations);
        var period = Stopwatch.Frequency / StreamFps;
        var next = Stopwatch.GetTimestamp();
        for (var i = 0; i < settings.Iterations; i++)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
            next += period;
            var c0 = ThreadCpuTime.NowMs();
            var t0 = Stopwatch.GetTimestamp();
            analyzer.Analyze(sequence[(settings.WarmUp + i) % sequence.Length], memory, motion);
            wall.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            cpu.Add(ThreadCpuTime.NowMs() - c0);
        }
        return (LatencySummary.Of(wall), LatencySummary.Of(cpu));
    }

    /// <summary>Runs human-peer.mjs on <paramref name="input"/> (<c>--frames DIR</c>, or <c>--streams DIR --fps F</c>) and returns its JSON.</summary>
    private static async Task<JsonElement> RunHumanAsync(string repoRoot, BenchSettings settings, params string[] input)
    {
        var output = Path.Combine(input[1], "human.json");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = repoRoot, RedirectStandardError = true, UseShellExecute = false };
        string[] arguments =
        [
            Path.Combine(repoRoot, "bench", "peer", "human-peer.mjs"), .. input, "--out", output,
            "--iterations", settings.Iterations.ToString(CultureInfo.InvariantCulture), "--warmup", settings.WarmUp.ToString(CultureInfo.InvariantCulture),
            "--package", Path.Combine(settings.CacheRoot, "npm", NpmPackageSpec.Human.CacheFolderName, "package"),
        ];
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node (Node.js 20 is needed for the peer benchmark).");
        var stderr = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Console.Error.Write(stderr);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"human-peer.mjs failed ({p.ExitCode}): {stderr}");
        }
        using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(output));
        return doc.RootElement.Clone();
    }
}
