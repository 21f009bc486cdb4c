using BlazorMood.Bench;
using BlazorMood.Bench.Live;
using BlazorMood.Bench.Music;
using BlazorMood.Bench.Vision;

// bench <verb> [--iterations N] [--warmup N] [--max-seconds S] [--models DIR] [--cache DIR] [--out DIR]
const string usage = """
    usage: bench <models|frame|vision|live> [options]
      models   per-model ONNX Runtime latency, 1 and 2 threads
      frame    whole per-frame path (JPEG decode → detect → classify), 320×240 and 640×480, 1 and 5 faces
      vision   both of the above
      peer     the per-frame path with both emotion models + fusion against Human 3.3.6 (TF.js WASM, Node) on the same 640×480 frames: ratio
      recommender  one recommendation on a generated 10,000-track library, baseline and context mode
      recommend-http  GET /api/recommend of the real app (child process) on a generated 10,000-track library
      video    upload pipeline on 10 s 30 fps clips at 480p/720p/1080p, a 40 s 720p clip, moving and lying people: real-time factor, CPU s, peak memory
               [--clips 480p,720p,1080p,720p-long,720p-moving,720p-lying] [--repeat N (1)] [--sample-fps F] [--detect-every K] [--detect-every-still K] [--pose-every-still K] [--pose-search-every K]
               [--decoder-threads N] [--encoder-threads N] [--preset P]
      live     N SignalR clients streaming faces to the live hub (bench live --help)
    options: --iterations N (300) --warmup N (30) --max-seconds S per series (20) --models DIR --cache DIR --out DIR (artifacts/bench)
    """;

var repoRoot = RepoRoot.Find();
if (args.Length == 0)
{
    Console.Error.WriteLine(usage);
    return 2;
}
if (args[0] == "live")
{
    return await LiveBenchmark.RunAsync(args[1..]);
}
var settings = BenchSettings.Parse(args[1..], repoRoot);
return args[0] switch
{
    "models" => await ModelLatencyBenchmark.RunAsync(settings),
    "frame" => await FramePathBenchmark.RunAsync(settings),
    "vision" => await ModelLatencyBenchmark.RunAsync(settings) | await FramePathBenchmark.RunAsync(settings),
    "recommender" => await RecommenderBenchmark.RunAsync(settings),
    "video" => await BlazorMood.Bench.Video.VideoPipelineBenchmark.RunAsync(settings, args[1..]),
    "recommend-http" => await RecommendHttpBenchmark.RunAsync(settings, repoRoot),
    "peer" => await PeerBenchmark.RunAsync(settings, repoRoot),
    _ => Usage(),
};

int Usage()
{
    Console.Error.WriteLine(usage);
    return 2;
}
