using System.Diagnostics;
using System.Globalization;
using BlazorMood.Bench.Infrastructure;
using BlazorMood.ModelImport.Npm;
using BlazorMood.Video;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Bench.Video;

/// <summary>
/// <c>bench video</c>: the whole upload pipeline (probe → decode sampled at 10 fps → person detection → pose on the
/// followed person → activity windows → annotation → H.264 encode) on 10 s, 30 fps H.264 clips at 480p, 720p
/// and 1080p, plus a 40 s 720p clip to show that memory does not grow with length. The clips are face-api's
/// sample6 group photo looped and scaled, with light temporal noise so that every frame differs and decoding costs
/// what it costs on a real clip (a pure still compresses to almost nothing). Real-time factor = clip duration / wall
/// time; peak extra memory = the highest working set sampled every 20 ms during the run minus the working set before
/// it (this process; ffmpeg's own memory is separate and bounded by its pipes). CPU seconds (this process plus the
/// ffmpeg children) are reported beside wall time because the machine may be shared: they do not depend on what else
/// runs, and CPU s per clip second ≤ cores / target factor is what the target needs on dedicated cores.
/// </summary>
public static class VideoPipelineBenchmark
{
    private const double TargetRealTime720 = 5;
    private const double TargetPeakMb = 300;

    /// <summary>How the photo is staged in a clip.</summary>
    private enum Scene
    {
        /// <summary>Four people standing still (the issue's clips).</summary>
        Still,

        /// <summary>The same people shaken sideways (±40 px at 1.5 Hz): every frame differs enough to be estimated, as for a runner.</summary>
        Moving,

        /// <summary>The photo turned 90°: people lying, MoveNet's rotated views in play.</summary>
        Lying,
    }

    private static readonly (string Name, int W, int H, double Seconds, Scene Scene)[] AllClips =
    [
        ("480p", 854, 480, 10, Scene.Still), ("720p", 1280, 720, 10, Scene.Still), ("1080p", 1920, 1080, 10, Scene.Still), ("720p-long", 1280, 720, 40, Scene.Still),
        ("720p-moving", 1280, 720, 10, Scene.Moving), ("720p-lying", 1280, 720, 10, Scene.Lying),
    ];

    /// <summary>The names <c>--clips</c> accepts.</summary>
    public static IReadOnlyList<string> ClipNames { get; } = [.. AllClips.Select(c => c.Name)];

    public static async Task<int> RunAsync(BenchSettings settings, VideoBenchOptions video)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(video);
        var inv = CultureInfo.InvariantCulture;
        var wanted = video.Clips;
        var clips = wanted is null ? AllClips : AllClips.Where(c => wanted.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (clips.Length == 0)
        {
            Console.Error.WriteLine($"bench video: --clips takes a comma list of {string.Join(", ", AllClips.Select(c => c.Name))}");
            return 2;
        }
        var repeat = Math.Max(1, video.Repeat);

        var faceApi = await NpmPackageFetcher.FetchAsync(NpmPackageSpec.FaceApi, settings.CacheRoot);
        var photo = Path.Combine(faceApi, "demo", "sample6.jpg");
        var work = Path.Combine(Path.GetTempPath(), "bm-bench-video-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var paths = new Dictionary<string, string>();
            foreach (var (name, w, h, seconds, scene) in clips)
            {
                Console.Error.WriteLine($"  making {name} clip ({w}×{h}, {seconds} s, 30 fps)…");
                paths[name] = MakeClip(photo, Path.Combine(work, name + ".mp4"), w, h, seconds, scene);
            }

            // --pose-models a.onnx,b.onnx: one pipeline per pose model, measured alternately clip by clip in this one run,
            // so that a shared machine's changing load falls on both alike.
            var poseModels = video.PoseModels is { Length: > 0 } listed
                ? listed
                : [new PoseOptions().FileName];
            VideoOptions? used = null;
            ServiceProvider Build(string poseModel) => new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .AddVision(o =>
                {
                    o.ModelsPath = settings.ModelsPath;
                    o.ExecutionProvider = ExecutionProvider.Cpu;
                    o.FaceDetector.Enabled = false;
                    o.Emotion.Enabled = false;
                    o.Pose.FileName = poseModel;
                    if (video.FitHeight is { } fitHeight)
                    {
                        o.Objects.FitHeight = fitHeight;
                    }
                })
                .AddVideo(o =>
                {
                    o.MaxFileBytes = long.MaxValue;
                    if (video.SampleFps is { } fps)
                    {
                        o.SampleFps = fps;
                    }
                    if (video.DetectEvery is { } detect)
                    {
                        o.DetectEveryFrames = detect;
                    }
                    if (video.DetectEveryStill is { } detectStill)
                    {
                        o.DetectEveryFramesWhenStill = detectStill;
                    }
                    if (video.PoseEveryStill is { } poseStill)
                    {
                        o.PoseEveryFramesWhenStill = poseStill;
                    }
                    if (video.PoseSearchEvery is { } search)
                    {
                        o.PoseSearchEveryFrames = search;
                    }
                    if (video.DecoderThreads is { } decoderThreads)
                    {
                        o.DecoderThreads = decoderThreads;
                    }
                    if (video.DetectAhead is { } detectAhead)
                    {
                        o.DetectAheadFrames = detectAhead;
                    }
                    if (video.SkipLoopFilter is { } skipLoopFilter)
                    {
                        o.DecoderSkipLoopFilter = skipLoopFilter;
                    }
                    if (video.EncoderThreads is { } encoderThreads)
                    {
                        o.EncoderThreads = encoderThreads;
                    }
                    if (video.Preset is { } preset)
                    {
                        o.EncoderPreset = preset;
                    }
                    used = o;
                })
                .BuildServiceProvider();

            var pipelines = new List<(string PoseModel, ServiceProvider Provider, ActivityPipeline Pipeline)>();
            try
            {
                foreach (var poseModel in poseModels)
                {
                    var provider = Build(poseModel);
                    var pipeline = provider.GetRequiredService<ActivityPipeline>();
                    pipelines.Add((poseModel, provider, pipeline));

                    // Warm-up: model sessions, JIT (two runs: tiered compilation re-JITs hot methods in the background well
                    // into the first one), thread pool.
                    for (var i = 0; i < 2; i++)
                    {
                        await pipeline.RunAsync(paths[clips[0].Name], Path.Combine(work, "warmup"), null, CancellationToken.None);
                    }
                }
                await MeasureAsync();
            }
            finally
            {
                foreach (var (_, provider, _) in pipelines)
                {
                    await provider.DisposeAsync();
                }
            }
            return 0;

            async Task MeasureAsync()
            {
                var report = new Report("video", ["clip", "pose model", "source", "duration s", "frames", "wall s", "× real time", "CPU s (.NET + ffmpeg)", "CPU s / clip s", "detections", "estimated / interpolated", "pose searches", "detect ms/run", "pose ms/estimate", "peak extra MB", "load avg", "activity"]);
                for (var run = 0; run < repeat; run++)
                {
                    foreach (var (name, w, h, seconds, _) in clips)
                    {
                        foreach (var (poseModel, _, pipeline) in pipelines)
                        {
                            GC.Collect();
                            GC.WaitForPendingFinalizers();
                            var baseline = ResidentBytes();
                            long peak = baseline;
                            using var stopSampling = new CancellationTokenSource();
                            var sampler = Task.Run(async () =>
                            {
                                while (!stopSampling.IsCancellationRequested)
                                {
                                    peak = Math.Max(peak, ResidentBytes());
                                    try
                                    {
                                        await Task.Delay(20, stopSampling.Token);
                                    }
                                    catch (OperationCanceledException)
                                    {
                                        break;
                                    }
                                }
                            });
                            var cpuBefore = CpuClock.Now();
                            var watch = Stopwatch.StartNew();
                            var result = await pipeline.RunAsync(paths[name], Path.Combine(work, "out-" + name), null, CancellationToken.None);
                            var wall = watch.Elapsed.TotalSeconds;
                            await stopSampling.CancelAsync();
                            await sampler;
                            // The sampler's own 50 wake-ups a second are in "self"; they cost well under 1 % of a core.
                            var cpu = CpuClock.Now() - cpuBefore;
                            var load = LoadAverage();
                            var extraMb = (peak - baseline) / (1024.0 * 1024);
                            var rtf = seconds / wall;
                            var detectMs = result.DetectTime.TotalMilliseconds / Math.Max(1, result.Detections);
                            var estimated = result.Frames - result.InterpolatedFrames;
                            var poseMs = result.PoseTime.TotalMilliseconds / Math.Max(1, estimated);
                            report.Add([name, Path.GetFileNameWithoutExtension(poseModel), $"{w}×{h} 30 fps", seconds.ToString("F0", inv), result.Frames.ToString(inv), wall.ToString("F2", inv), rtf.ToString("F1", inv),
                                    $"{cpu.TotalSeconds:F2} ({cpu.SelfSeconds:F2} + {cpu.ChildrenSeconds:F2})".ToString(inv), (cpu.TotalSeconds / seconds).ToString("F3", inv),
                                    result.Detections.ToString(inv), $"{estimated} / {result.InterpolatedFrames}".ToString(inv), result.PoseSearches.ToString(inv), detectMs.ToString("F1", inv), poseMs.ToString("F1", inv), extraMb.ToString("F0", inv), load, result.Activity.Dominant.Label()],
                                new
                                {
                                    clip = name, poseModel, run = run + 1, width = w, height = h, durationSeconds = seconds, sourceFps = 30, sampleFps = result.SampleFps, frames = result.Frames,
                                    analysedWidth = result.FrameWidth, analysedHeight = result.FrameHeight, wallSeconds = wall, realTimeFactor = rtf,
                                    cpuSeconds = cpu.TotalSeconds, cpuSecondsDotnet = cpu.SelfSeconds, cpuSecondsFfmpeg = cpu.ChildrenSeconds, cpuSecondsPerClipSecond = cpu.TotalSeconds / seconds,
                                    detections = result.Detections, detectionsAhead = result.DetectionsAhead, detectionsDiscarded = result.DetectionsDiscarded, estimatedFrames = estimated, interpolatedFrames = result.InterpolatedFrames, poseSearches = result.PoseSearches, detectMsPerRun = detectMs, poseMsPerEstimate = poseMs, peakExtraMb = extraMb, loadAverage = load,
                                    activity = result.Activity.Dominant.Label(),
                                });
                            Console.Error.WriteLine($"  {name} ({poseModel}): {wall:F2} s wall, {rtf:F1}× real time, CPU {cpu.SelfSeconds:F2} s .NET + {cpu.ChildrenSeconds:F2} s ffmpeg, detect {result.DetectTime.TotalSeconds:F2} s ({result.Detections}, {result.DetectionsAhead - result.DetectionsDiscarded} ahead), pose {result.PoseTime.TotalSeconds:F2} s, peak +{extraMb:F0} MB, load {load}".ToString(inv));
                        }
                    }
                }
                Console.WriteLine(report.ToTable());
                Console.WriteLine($"Targets: ≥ {TargetRealTime720}× real time at 720p30 (10 fps sampling); peak extra memory ≤ {TargetPeakMb} MB whatever the length. "
                    + $"On {Environment.ProcessorCount} cores, {TargetRealTime720}× real time needs ≤ {Environment.ProcessorCount / TargetRealTime720:F2} CPU s per clip second even if perfectly parallel.");
                Console.WriteLine($"JSON: {await report.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), new { settings, video = used, poseModels })}");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// This process's resident set (what <see cref="Process.WorkingSet64"/> reports on Linux), from /proc/self/statm:
    /// one small read, where Process.Refresh also lists every thread — at 50 samples a second that was ≈ 3% of the
    /// CPU time being measured.
    /// </summary>
    private static long ResidentBytes()
    {
        const string statm = "/proc/self/statm";
        if (File.Exists(statm))
        {
            return long.Parse(File.ReadAllText(statm).Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>The 1-minute load average (other jobs on the machine), or "?" where the OS does not say.</summary>
    private static string LoadAverage()
    {
        const string path = "/proc/loadavg";
        return File.Exists(path) ? File.ReadAllText(path).Split(' ')[0] : "?";
    }

    private static string MakeClip(string photo, string output, int width, int height, double seconds, Scene scene)
    {
        var staging = scene switch
        {
            // Shifted, not rescaled (black enters at the sides): the people look exactly as in the still clip.
            Scene.Moving => $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},pad={width + 80}:{height}:40:0,crop={width}:{height}:x='40+40*sin(2*PI*1.5*t)':y=0",
            Scene.Lying => $"transpose=1,scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2",
            _ => $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}",
        };
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        var inv = CultureInfo.InvariantCulture;
        foreach (var a in new[]
                 {
                     "-nostdin", "-v", "error", "-y", "-loop", "1", "-framerate", "30", "-t", seconds.ToString(inv), "-i", photo,
                     "-vf", $"{staging},noise=alls=6:allf=t,format=yuv420p",
                     "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-g", "60", "-movflags", "+faststart", output,
                 })
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("ffmpeg failed making a benchmark clip: " + err);
        }
        return output;
    }
}

/// <summary>What <c>bench video</c> runs (read from the command line by <see cref="BenchCommandLine"/>); null keeps the app's setting.</summary>
public sealed record VideoBenchOptions(
    string[]? Clips, int Repeat, string[]? PoseModels, double? SampleFps, int? DetectEvery, int? DetectEveryStill, int? PoseEveryStill,
    int? PoseSearchEvery, int? DecoderThreads, int? EncoderThreads, string? Preset, int? DetectAhead = null, bool? SkipLoopFilter = null, bool? FitHeight = null);
