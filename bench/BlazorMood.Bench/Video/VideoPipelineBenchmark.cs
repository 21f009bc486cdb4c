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
/// <c>bench video</c>: the whole upload pipeline (probe → decode sampled at 10 fps → person detection every 3rd frame
/// and pose on every frame → activity windows → annotation → H.264 encode) on 10 s, 30 fps H.264 clips at 480p, 720p
/// and 1080p, plus a 40 s 720p clip to show that memory does not grow with length. The clips are face-api's
/// sample6 group photo looped and scaled, with light temporal noise so that every frame differs and decoding costs
/// what it costs on a real clip (a pure still compresses to almost nothing). Real-time factor = clip duration / wall
/// time; peak extra memory = the highest working set sampled every 20 ms during the run minus the working set before
/// it (this process; ffmpeg's own memory is separate and bounded by its pipes).
/// </summary>
public static class VideoPipelineBenchmark
{
    private const double TargetRealTime720 = 5;
    private const double TargetPeakMb = 300;

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var faceApi = await NpmPackageFetcher.FetchAsync(NpmPackageSpec.FaceApi, settings.CacheRoot);
        var photo = Path.Combine(faceApi, "demo", "sample6.jpg");
        var work = Path.Combine(Path.GetTempPath(), "bm-bench-video-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var clips = new (string Name, int W, int H, double Seconds)[] { ("480p", 854, 480, 10), ("720p", 1280, 720, 10), ("1080p", 1920, 1080, 10), ("720p long", 1280, 720, 40) };
            var paths = new Dictionary<string, string>();
            foreach (var (name, w, h, seconds) in clips)
            {
                Console.Error.WriteLine($"  making {name} clip ({w}×{h}, {seconds} s, 30 fps)…");
                paths[name] = MakeClip(photo, Path.Combine(work, name.Replace(' ', '-') + ".mp4"), w, h, seconds);
            }

            await using var provider = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .AddVision(o =>
                {
                    o.ModelsPath = settings.ModelsPath;
                    o.ExecutionProvider = ExecutionProvider.Cpu;
                    o.FaceDetector.Enabled = false;
                    o.Emotion.Enabled = false;
                })
                .AddVideo(o => o.MaxFileBytes = long.MaxValue)
                .BuildServiceProvider();
            var pipeline = provider.GetRequiredService<ActivityPipeline>();

            // Warm-up: model sessions, JIT, thread pool.
            await pipeline.RunAsync(paths["480p"], Path.Combine(work, "warmup"), null, CancellationToken.None);

            var report = new Report("video", ["clip", "source", "duration s", "frames", "wall s", "× real time", "analysed fps", "detect ms/run", "pose ms/frame", "peak extra MB", "activity"]);
            var inv = CultureInfo.InvariantCulture;
            foreach (var (name, w, h, seconds) in clips)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                using var self = Process.GetCurrentProcess();
                self.Refresh();
                var baseline = self.WorkingSet64;
                long peak = baseline;
                using var stopSampling = new CancellationTokenSource();
                var sampler = Task.Run(async () =>
                {
                    using var p = Process.GetCurrentProcess();
                    while (!stopSampling.IsCancellationRequested)
                    {
                        p.Refresh();
                        peak = Math.Max(peak, p.WorkingSet64);
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
                var watch = Stopwatch.StartNew();
                var result = await pipeline.RunAsync(paths[name], Path.Combine(work, "out-" + name.Replace(' ', '-')), null, CancellationToken.None);
                var wall = watch.Elapsed.TotalSeconds;
                await stopSampling.CancelAsync();
                await sampler;
                var extraMb = (peak - baseline) / (1024.0 * 1024);
                var rtf = seconds / wall;
                report.Add([name, $"{w}×{h} 30 fps", seconds.ToString("F0", inv), result.Frames.ToString(inv), wall.ToString("F2", inv), rtf.ToString("F1", inv),
                        (result.Frames / wall).ToString("F1", inv),
                        (result.DetectTime.TotalMilliseconds / Math.Max(1, result.Detections)).ToString("F1", inv), (result.PoseTime.TotalMilliseconds / Math.Max(1, result.Frames)).ToString("F1", inv), extraMb.ToString("F0", inv), result.Activity.Dominant.Label()],
                    new { clip = name, width = w, height = h, durationSeconds = seconds, sourceFps = 30, sampleFps = result.SampleFps, frames = result.Frames, analysedWidth = result.FrameWidth, analysedHeight = result.FrameHeight, wallSeconds = wall, detectMsPerRun = result.DetectTime.TotalMilliseconds / Math.Max(1, result.Detections), poseMsPerFrame = result.PoseTime.TotalMilliseconds / Math.Max(1, result.Frames), realTimeFactor = rtf, peakExtraMb = extraMb, activity = result.Activity.Dominant.Label() });
                Console.Error.WriteLine($"  {name}: {wall:F2} s wall, {rtf:F1}× real time, detect {result.DetectTime.TotalSeconds:F2} s ({result.Detections}), pose {result.PoseTime.TotalSeconds:F2} s, peak +{extraMb:F0} MB");
            }
            Console.WriteLine(report.ToTable());
            Console.WriteLine($"Targets: ≥ {TargetRealTime720}× real time at 720p30 (10 fps sampling); peak extra memory ≤ {TargetPeakMb} MB whatever the length.");
            Console.WriteLine($"JSON: {await report.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), settings)}");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string MakeClip(string photo, string output, int width, int height, double seconds)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        var inv = CultureInfo.InvariantCulture;
        foreach (var a in new[]
                 {
                     "-nostdin", "-v", "error", "-y", "-loop", "1", "-framerate", "30", "-t", seconds.ToString(inv), "-i", photo,
                     "-vf", $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},noise=alls=6:allf=t,format=yuv420p",
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
