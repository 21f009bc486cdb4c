using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BlazorMood.Bench.Live;
using BlazorMood.Bench.Music;
using BlazorMood.Bench.Video;
using BlazorMood.Bench.Vision;

namespace BlazorMood.Bench;

/// <summary>
/// The <c>bench</c> command line on System.CommandLine: one subcommand per benchmark, typed options with their
/// defaults in the help, and a parse error (unknown verb or option, a value that is not a number) printed with exit
/// code 2 before anything runs.
/// </summary>
internal static class BenchCommandLine
{
    /// <summary>Exit code of a command line that could not be parsed.</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build(RepoRoot.Find());
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }
            var verb = result.CommandResult.Command == root ? "bench" : "bench " + result.CommandResult.Command.Name;
            await Console.Error.WriteLineAsync($"'{verb} --help' lists the options.");
            return UsageError;
        }
        return await result.InvokeAsync();
    }

    internal static RootCommand Build(string repoRoot)
    {
        var shared = new SharedOptions(repoRoot);

        Command Bench(string name, string description, Func<BenchSettings, Task<int>> run)
        {
            var command = shared.AddTo(new Command(name, description));
            command.SetAction((p, _) => run(shared.Settings(p)));
            return command;
        }

        return new RootCommand("BlazorMood benchmarks: latency, throughput and resources of the real code paths on this machine.")
        {
            Bench("models", "Per-model ONNX Runtime latency, 1 and 2 threads.", ModelLatencyBenchmark.RunAsync),
            Bench("frame", "Whole per-frame path (JPEG decode → detect → classify), 320×240 and 640×480, 1 and 5 faces.", FramePathBenchmark.RunAsync),
            Bench("vision", "Both models and frame.", async s => await ModelLatencyBenchmark.RunAsync(s) | await FramePathBenchmark.RunAsync(s)),
            Bench("peer", "The per-frame path with both emotion models + fusion against Human 3.3.6 (TF.js WASM, Node) on the same 640×480 frames: ratio.",
                s => PeerBenchmark.RunAsync(s, repoRoot)),
            Bench("recommender", "One recommendation on a generated 10,000-track library, baseline and context mode.", RecommenderBenchmark.RunAsync),
            Bench("recommend-http", "GET /api/recommend of the real app (child process) on a generated 10,000-track library.",
                s => RecommendHttpBenchmark.RunAsync(s, repoRoot)),
            VideoCommand(shared),
            LiveCommand(shared.Cache, shared.Output, repoRoot),
        };
    }

    /// <summary>The options every benchmark but <c>live</c> takes, read into <see cref="BenchSettings"/>.</summary>
    private sealed class SharedOptions(string repoRoot)
    {
        public Option<int> Iterations { get; } = PositiveInt("--iterations", "Measured runs per series.", 300);

        public Option<int> WarmUp { get; } = NonNegativeInt("--warmup", "Unmeasured runs before each series.", 30);

        public Option<double> MaxSeconds { get; } = PositiveDouble("--max-seconds", "Longest time one series may take, in seconds.", 20);

        public Option<string> Models { get; } = new("--models") { Description = "The models folder.", DefaultValueFactory = _ => Path.Combine(repoRoot, "models") };

        public Option<string> Cache { get; } = new("--cache")
        {
            Description = "Cache of fetched packages and test media (default: $BLAZORMOOD_CACHE, else .cache).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("BLAZORMOOD_CACHE") ?? Path.Combine(repoRoot, ".cache"),
        };

        public Option<string> Output { get; } = new("--out") { Description = "Where the JSON reports go.", DefaultValueFactory = _ => Path.Combine(repoRoot, "artifacts", "bench") };

        public Command AddTo(Command command)
        {
            foreach (var option in new Option[] { Iterations, WarmUp, MaxSeconds, Models, Cache, Output })
            {
                command.Options.Add(option);
            }
            return command;
        }

        public BenchSettings Settings(ParseResult p) => new(
            Path.GetFullPath(p.GetValue(Models)!), Path.GetFullPath(p.GetValue(Cache)!), Path.GetFullPath(p.GetValue(Output)!),
            p.GetValue(Iterations), p.GetValue(WarmUp), TimeSpan.FromSeconds(p.GetValue(MaxSeconds)));
    }

    private static Command VideoCommand(SharedOptions shared)
    {
        var clips = new Option<string[]?>("--clips")
        {
            Description = $"Clips to run, comma-separated, from {string.Join(", ", VideoPipelineBenchmark.ClipNames)} (all when absent).",
            CustomParser = SplitList,
        };
        clips.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && SplitList(r.Tokens[0].Value) is { } names && names.FirstOrDefault(n => !VideoPipelineBenchmark.ClipNames.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            {
                r.AddError($"--clips: '{unknown}' is not one of {string.Join(", ", VideoPipelineBenchmark.ClipNames)}.");
            }
        });
        var repeat = PositiveInt("--repeat", "Runs per clip.", 1);
        var poseModels = new Option<string[]?>("--pose-models")
        {
            Description = "Pose model files, comma-separated: one pipeline each, measured alternately clip by clip.",
            CustomParser = SplitList,
        };
        var sampleFps = OptionalPositiveDouble("--sample-fps", "Frames a second analysed (Video:SampleFps).");
        var detectEvery = OptionalPositiveInt("--detect-every", "Person detection every k-th frame (Video:DetectEveryFrames).");
        var detectEveryStill = OptionalPositiveInt("--detect-every-still", "Person detection every k-th frame while still (Video:DetectEveryFramesWhenStill).");
        var poseEveryStill = OptionalPositiveInt("--pose-every-still", "Pose every k-th frame while still (Video:PoseEveryFramesWhenStill).");
        var poseSearchEvery = OptionalPositiveInt("--pose-search-every", "Frames between full pose searches (Video:PoseSearchEveryFrames).");
        var decoderThreads = OptionalNonNegativeInt("--decoder-threads", "ffmpeg decoder threads (0: ffmpeg chooses).");
        var encoderThreads = OptionalNonNegativeInt("--encoder-threads", "libx264 encoder threads (0: ffmpeg chooses).");
        var preset = new Option<string?>("--preset") { Description = "libx264 preset of the annotated output." };
        var detectAhead = OptionalNonNegativeInt("--detect-ahead", "Frames the detector may start ahead of the pose stage (Video:DetectAheadFrames; 0: in line).");
        var skipLoopFilter = new Option<bool?>("--skip-loop-filter") { Description = "Whether the decoder skips H.264 deblocking (Video:DecoderSkipLoopFilter)." };
        var fitHeight = new Option<bool?>("--fit-height") { Description = "Whether the person detector sees a wide frame only as high as it needs (Vision:Objects:FitHeight)." };

        var command = shared.AddTo(new Command("video",
            "Upload pipeline on 10 s 30 fps clips at 480p/720p/1080p, a 40 s 720p clip, moving and lying people: real-time factor, CPU s, peak memory."));
        foreach (var option in new Option[] { clips, repeat, poseModels, sampleFps, detectEvery, detectEveryStill, poseEveryStill, poseSearchEvery, decoderThreads, encoderThreads, preset, detectAhead, skipLoopFilter, fitHeight })
        {
            command.Options.Add(option);
        }
        command.SetAction((p, _) => VideoPipelineBenchmark.RunAsync(shared.Settings(p), new VideoBenchOptions(
            p.GetValue(clips), p.GetValue(repeat), p.GetValue(poseModels), p.GetValue(sampleFps),
            p.GetValue(detectEvery), p.GetValue(detectEveryStill), p.GetValue(poseEveryStill), p.GetValue(poseSearchEvery),
            p.GetValue(decoderThreads), p.GetValue(encoderThreads), p.GetValue(preset), p.GetValue(detectAhead), p.GetValue(skipLoopFilter), p.GetValue(fitHeight))));
        return command;
    }

    private static Command LiveCommand(Option<string> cache, Option<string> output, string repoRoot)
    {
        var clients = OptionalPositiveInt("--clients", "Simulated browsers (default: the two standard scenarios; with --nodes, 10 per node).");
        var fps = OptionalPositiveInt("--fps", "Frames a second each client sends (10).");
        var seconds = OptionalPositiveInt("--seconds", "Measured seconds (20; with --nodes 60).");
        var photos = new Option<string>("--photos") { Description = "One face or a group photo per frame.", DefaultValueFactory = _ => "single" };
        photos.AcceptOnlyFromAmong("single", "group");
        var warmUp = new Option<double>("--warmup") { Description = "Unmeasured seconds before each scenario.", DefaultValueFactory = _ => 3 };
        var url = new Option<Uri?>("--url")
        {
            Description = "An app already running (its API token in BLAZORMOOD_TOKEN) instead of a child process.",
            CustomParser = r => Uri.TryCreate(r.Tokens[0].Value.TrimEnd('/') + "/", UriKind.Absolute, out var u) ? u : Fail<Uri>(r, "an absolute URL"),
        };
        var serverPid = OptionalPositiveInt("--server-pid", "Process id of the server at --url (for its CPU and RSS).");
        var serverDll = new Option<string?>("--server-dll") { Description = "The web app's dll to start (default: the Release build)." };
        var nodes = new Option<int?>("--nodes")
        {
            Description = "N web nodes on one PostgreSQL database and one Redis (BLAZORMOOD_TEST_POSTGRES / BLAZORMOOD_TEST_REDIS, else scripts/start-test-services.sh); per node and in total: latency, CPU, peak RSS and frames a second per core (live-nodes.json).",
            CustomParser = r => int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 26 ? n : Fail<int?>(r, "a whole number from 1 to 26"),
        };
        var compare = new Option<bool>("--compare") { Description = "With --nodes: first the same load per node against node A alone." };

        var command = new Command("live",
            "N SignalR clients streaming faces to the live hub at F fps for T seconds, one frame in flight each. Without --clients: " +
            "1 client × 15 fps × 20 s and 10 clients × 10 fps × 60 s.")
        {
            clients, fps, seconds, photos, warmUp, url, serverPid, serverDll, cache, output, nodes, compare,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(nodes) is not null && (r.GetResult(url) is not null || r.GetResult(serverPid) is not null))
            {
                r.AddError("bench live --nodes starts its own nodes; --url/--server-pid attach to one server (use them without --nodes).");
            }
        });
        command.SetAction((p, _) =>
        {
            int? clientCount = p.GetValue(clients), rate = p.GetValue(fps), duration = p.GetValue(seconds);
            var nodeCount = p.GetValue(nodes);
            IReadOnlyList<LiveScenario> scenarios = nodeCount is { } n
                ? [new LiveScenario(clientCount ?? 10 * n, rate ?? 10, duration ?? 60)]
                : clientCount is { } c ? [new LiveScenario(c, rate ?? 10, duration ?? 20)] : [new LiveScenario(1, 15, 20), new LiveScenario(10, 10, 60)];
            var options = new LiveBenchOptions(
                scenarios, p.GetValue(photos)!, p.GetValue(warmUp), p.GetValue(url), p.GetValue(serverPid), p.GetValue(serverDll),
                Path.GetFullPath(p.GetValue(cache)!), Path.GetFullPath(p.GetValue(output)!), repoRoot);
            return nodeCount is { } count
                ? MultiNodeLiveBenchmark.RunAsync(options, count, scenarios[0], p.GetValue(compare))
                : LiveBenchmark.RunAsync(options);
        });
        return command;
    }

    private static string[]? SplitList(ArgumentResult r) => SplitList(r.Tokens[0].Value);

    private static string[]? SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } items ? items : null;

    private static Option<int> PositiveInt(string name, string description, int fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => ParseInt(r, 1, "a positive whole number") ?? fallback,
    };

    private static Option<int> NonNegativeInt(string name, string description, int fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => ParseInt(r, 0, "a whole number, 0 or more") ?? fallback,
    };

    private static Option<int?> OptionalPositiveInt(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => ParseInt(r, 1, "a positive whole number"),
    };

    private static Option<int?> OptionalNonNegativeInt(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => ParseInt(r, 0, "a whole number, 0 or more"),
    };

    private static Option<double> PositiveDouble(string name, string description, double fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v : Fail<double>(r, "a positive number"),
    };

    private static Option<double?> OptionalPositiveDouble(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v : Fail<double?>(r, "a positive number"),
    };

    private static int? ParseInt(ArgumentResult r, int minimum, string what) =>
        int.TryParse(r.Tokens[0].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value : Fail<int?>(r, what);

    private static T Fail<T>(ArgumentResult r, string what)
    {
        var name = r.Parent is OptionResult o ? o.Option.Name : r.Argument.Name;
        r.AddError($"{name} takes {what}, not '{r.Tokens[0].Value}'.");
        return default!;
    }
}
