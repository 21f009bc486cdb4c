using System.Diagnostics;
using BlazorMood.TestSupport;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Xunit.Abstractions;

namespace BlazorMood.ModelImport.Tests;

/// <summary>A test that only runs when BLAZORMOOD_BENCH=1, because timings on a shared 2-core machine are noisy.</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("BLAZORMOOD_BENCH") != "1")
        {
            Skip = "Latency measurement; set BLAZORMOOD_BENCH=1 to run it.";
        }
    }
}

/// <summary>
/// Single-thread ONNX Runtime latency of the committed models (median after warm-up), and how many Transpose
/// nodes survive ORT's graph optimisations: the converter wraps each NHWC conv in a Transpose pair and relies on
/// ORT to cancel them. Run with:
/// <c>BLAZORMOOD_BENCH=1 dotnet test tests/BlazorMood.ModelImport.Tests --filter LatencyTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class LatencyTests(ITestOutputHelper output)
{
    private const int Runs = 100;

    private static readonly (string Model, long[] Shape, bool Int32)[] Inputs =
    [
        ("emotion", [1, 64, 64, 1], false),
        ("blazeface", [1, 256, 256, 3], false),
        ("movenet-lightning", [1, 192, 192, 3], true),
        ("centernet", [1, 512, 512, 3], false),
    ];

    [BenchFact]
    public void Single_thread_medians()
    {
        foreach (var (model, shape, isInt) in Inputs)
        {
            var optimized = Path.Combine(Path.GetTempPath(), $"blazormood-opt-{model}-{Environment.ProcessId}.onnx");
            using var options = new SessionOptions
            {
                IntraOpNumThreads = 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                OptimizedModelFilePath = optimized,
            };
            var load = Stopwatch.StartNew();
            using var session = new InferenceSession(Path.Combine(TestAssets.ModelsDir, model + ".onnx"), options);
            load.Stop();
            var count = (int)shape.Aggregate(1L, (a, b) => a * b);
            var rng = new Random(7);
            using var input = isInt
                ? OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => rng.Next(256)).ToArray(), shape)
                : OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, count).Select(_ => (float)rng.NextDouble()).ToArray(), shape);
            var inputNames = session.InputNames.ToArray();
            var outputNames = session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            for (var i = 0; i < 10; i++)
            {
                using var _ = session.Run(runOptions, inputNames, [input], outputNames);
            }
            var times = new List<double>();
            var cpu = new List<double>();
            for (var i = 0; i < Runs; i++)
            {
                var cpu0 = ThreadCpu.Milliseconds();
                var sw = Stopwatch.StartNew();
                using var _ = session.Run(runOptions, inputNames, [input], outputNames);
                times.Add(sw.Elapsed.TotalMilliseconds);
                cpu.Add(ThreadCpu.Milliseconds() - cpu0);
            }
            times.Sort();
            cpu.Sort();
            var median = (times[Runs / 2 - 1] + times[Runs / 2]) / 2;
            var cpuMedian = (cpu[Runs / 2 - 1] + cpu[Runs / 2]) / 2;
            var transposes = CountTransposes(optimized);
            File.Delete(optimized);
            output.WriteLine($"{model}: median {median:F2} ms (p10 {times[Runs / 10]:F2}, min {times[0]:F2}, max {times[^1]:F2}), " +
                $"thread CPU median {(double.IsNaN(cpuMedian) ? "n/a" : cpuMedian.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))} ms, session load {load.ElapsedMilliseconds} ms, " +
                $"Transpose nodes {CountTransposes(Path.Combine(TestAssets.ModelsDir, model + ".onnx"))} in file, {transposes} after ORT optimisation");
        }
    }

    /// <summary>
    /// CPU time of the calling thread. With one intra-op thread ONNX Runtime computes on the caller, so this is the
    /// inference's own cost, without the time the thread spent descheduled on a busy machine. NaN off Linux.
    /// </summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        public static double Milliseconds()
        {
            if (!OperatingSystem.IsLinux())
            {
                return double.NaN;
            }
            _ = ClockGetTime(ClockThreadCpuTimeId, out var ts);
            return ts.Seconds * 1000.0 + ts.Nanoseconds / 1e6;
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);
    }

    private static int CountTransposes(string path)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        return model.Graph.Node.Count(n => n.OpType == "Transpose");
    }
}
