using System.Diagnostics;
using BlazorMood.Bench.Infrastructure;
using BlazorMood.Vision;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BlazorMood.Bench.Vision;

/// <summary>
/// <c>bench models</c>: one ONNX Runtime <c>Run</c> per model on a fixed random input, with 1 and 2 intra-op threads,
/// after warm-up. Sessions are made by the product's own <see cref="ModelSessionFactory"/> (CPU provider).
/// </summary>
public static class ModelLatencyBenchmark
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var report = new Report("models", ["model", "input", "threads", "runs", "p50 ms", "p95 ms", "mean ms", "thread CPU ms/run"]);
        var models = new List<(string Name, Func<VisionOptions, ModelOptions> Pick)>
        {
            ("emotion", o => o.Emotion),
            ("face-expression", o => o.FaceExpression),
            ("blazeface", o => o.FaceDetector),
            ("movenet-lightning", o => o.Pose),
            ("centernet", o => o.Objects),
        };
        // The optional larger pose model (Vision:Pose:FileName), measured when it has been imported.
        if (File.Exists(Path.Combine(settings.ModelsPath, "movenet-thunder.onnx")))
        {
            models.Add(("movenet-thunder", o =>
            {
                o.Pose.FileName = "movenet-thunder.onnx";
                return o.Pose;
            }));
        }
        // The tracking detector (Vision:FaceDetector:TrackingFileName), when present.
        if (File.Exists(Path.Combine(settings.ModelsPath, "blazeface-front.onnx")))
        {
            models.Add(("blazeface-front", o =>
            {
                o.FaceDetector.FileName = "blazeface-front.onnx";
                return o.FaceDetector;
            }));
        }
        foreach (var threads in new[] { 1, 2 })
        {
            foreach (var (name, pick) in models)
            {
                var options = new VisionOptions { ModelsPath = settings.ModelsPath, ExecutionProvider = ExecutionProvider.Cpu, IntraOpThreads = threads };
                var factory = new ModelSessionFactory(Options.Create(options), NullLogger<ModelSessionFactory>.Instance);
                using var session = factory.Create(pick(options));
                var (inputName, meta) = session.InputMetadata.First();
                var shape = meta.Dimensions.Select(d => (long)Math.Max(d, 1)).ToArray();
                using var input = RandomInput(meta.ElementDataType, shape);
                var outputNames = session.OutputNames.ToArray();

                var cpuBefore = ThreadCpuSeconds();
                var samples = Measure(() =>
                {
                    using var outputs = session.Run(new RunOptions(), [inputName], [input], outputNames);
                }, settings);
                // With one intra-op thread ORT computes on this thread, so its CPU time is the model's cost without
                // the time other jobs on a shared machine took the core away; with two it misses the pool thread.
                var threadCpuMs = threads == 1 && cpuBefore is { } before && ThreadCpuSeconds() is { } after
                    ? (after - before) * 1000 / (samples.Count + settings.WarmUp)
                    : (double?)null;
                var s = LatencySummary.Of(samples);
                var shapeText = string.Join("×", shape);
                report.Add([name, shapeText, threads.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Samples.ToString(System.Globalization.CultureInfo.InvariantCulture), Report.Ms(s.P50), Report.Ms(s.P95), Report.Ms(s.Mean), threadCpuMs is { } t ? Report.Ms(t) : "–"],
                    new { model = name, input = shapeText, threads, latency = s, threadCpuMsPerRun = threadCpuMs });
                Console.Error.WriteLine($"  {name} × {threads} thread(s): p50 {s.P50:F2} ms");
            }
        }
        Console.WriteLine(report.ToTable());
        Console.WriteLine($"JSON: {await report.WriteJsonAsync(settings.OutDir, MachineInfo.Current(), settings)}");
        return 0;
    }

    /// <summary>CPU seconds of the calling thread (utime + stime of /proc/thread-self/stat), or null off Linux.</summary>
    private static double? ThreadCpuSeconds()
    {
        const string stat = "/proc/thread-self/stat";
        if (!File.Exists(stat))
        {
            return null;
        }
        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15, in USER_HZ (100 a second); fields[0] is field 3.
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Warm-up, then timed calls until the run count or the time budget is reached.</summary>
    internal static List<double> Measure(Action call, BenchSettings settings)
    {
        for (var i = 0; i < settings.WarmUp; i++)
        {
            call();
        }
        var samples = new List<double>(settings.Iterations);
        var budget = Stopwatch.StartNew();
        while (samples.Count < settings.Iterations && (samples.Count < 20 || budget.Elapsed < settings.MaxSeriesTime))
        {
            var t = Stopwatch.GetTimestamp();
            call();
            samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        return samples;
    }

    private static OrtValue RandomInput(TensorElementType type, long[] shape)
    {
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        var rng = new Random(1234);
        return type switch
        {
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => rng.Next(0, 256)).ToArray(), shape),
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray(), shape),
            _ => throw new NotSupportedException($"input type {type}"),
        };
    }
}
