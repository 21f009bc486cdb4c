using System.Diagnostics;
using System.Globalization;
using BlazorMood.Bench.Infrastructure;
using BlazorMood.ModelImport.Debian;
using BlazorMood.ModelImport.Npm;
using BlazorMood.Vision;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Bench.Vision;

/// <summary>
/// <c>bench frame</c>: the whole per-frame path a webcam frame takes on the server — JPEG decode → face detection →
/// emotion of every face — through the product's <see cref="EmotionAnalyzer"/>. Frames are real photos fitted into
/// 320×240 and 640×480 and JPEG-encoded at quality 80 (what a browser canvas sends): one face (scikit-image's
/// astronaut) and five faces (face-api's sample5 group photo).
/// </summary>
public static class FramePathBenchmark
{
    // Target from the foundation issue: one face at 640×480 on this 2-core CPU.
    private const double TargetP50Ms = 12, TargetP95Ms = 20;

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var astronaut = await DebianPackageFetcher.FetchAstronautPngAsync(settings.CacheRoot);
        var faceApi = await NpmPackageFetcher.FetchAsync(NpmPackageSpec.FaceApi, settings.CacheRoot);
        var sources = new (string Name, string Path)[] { ("1 face", astronaut), ("5 faces", Path.Combine(faceApi, "demo", "sample5.jpg")) };
        var sizes = new (int W, int H)[] { (320, 240), (640, 480) };

        var report = new Report("frame", ["frame", "content", "threads", "faces found", "runs", "p50 ms", "p95 ms", "p99 ms", "decode", "detect", "classify"]);
        foreach (var threads in new[] { 1, 2 })
        {
            await using var provider = new ServiceCollection()
                .AddVision(o =>
                {
                    o.ModelsPath = settings.ModelsPath;
                    o.ExecutionProvider = ExecutionProvider.Cpu;
                    o.IntraOpThreads = threads;
                    o.Pose.Enabled = false;
                    o.Objects.Enabled = false;
                })
                .BuildServiceProvider();
            var analyzer = provider.GetRequiredService<EmotionAnalyzer>();
            foreach (var (w, h) in sizes)
            {
                foreach (var (content, path) in sources)
                {
                    var jpeg = MakeFrame(path, w, h);
                    var first = analyzer.Analyze(jpeg);
                    var parts = new List<AnalysisTimings>();
                    var samples = ModelLatencyBenchmark.Measure(() => parts.Add(analyzer.Analyze(jpeg).Timings), settings);
                    var s = LatencySummary.Of(samples);
                    var decode = parts.Select(p => p.DecodeMs).Order().ElementAt(parts.Count / 2);
                    var detect = parts.Select(p => p.DetectMs).Order().ElementAt(parts.Count / 2);
                    var classify = parts.Select(p => p.ClassifyMs).Order().ElementAt(parts.Count / 2);
                    var inv = CultureInfo.InvariantCulture;
                    report.Add([$"{w}×{h} JPEG {jpeg.Length / 1024} KB", content, threads.ToString(inv), first.Faces.Count.ToString(inv), s.Samples.ToString(inv),
                            Report.Ms(s.P50), Report.Ms(s.P95), Report.Ms(s.P99), Report.Ms(decode), Report.Ms(detect), Report.Ms(classify)],
                        new { width = w, height = h, content, threads, jpegBytes = jpeg.Length, facesFound = first.Faces.Count, latency = s, medianDecodeMs = decode, medianDetectMs = detect, medianClassifyMs = classify });
                    Console.Error.WriteLine($"  {w}×{h} {content} × {threads} thread(s): p50 {s.P50:F2} ms, {first.Faces.Count} faces");
                }
            }
        }
        Console.WriteLine(report.ToTable());
        Console.WriteLine($"Target (1 face, 640×480): p50 ≤ {TargetP50Ms} ms, p95 ≤ {TargetP95Ms} ms.");
        Console.WriteLine($"JSON: {await report.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), settings)}");
        return 0;
    }

    /// <summary>The photo scaled to fit w×h on a black canvas, JPEG quality 80, in memory.</summary>
    internal static byte[] MakeFrame(string path, int w, int h)
    {
        using var image = Image.Load<Rgb24>(path);
        image.Mutate(c => c.Resize(new ResizeOptions { Size = new Size(w, h), Mode = ResizeMode.Pad, PadColor = Color.Black }));
        using var ms = new MemoryStream();
        image.SaveAsJpeg(ms, new JpegEncoder { Quality = 80 });
        return ms.ToArray();
    }
}
