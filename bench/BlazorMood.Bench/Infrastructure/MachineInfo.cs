using System.Globalization;
using System.Runtime.InteropServices;

namespace BlazorMood.Bench.Infrastructure;

/// <summary>What the figures were measured on; stored with every result.</summary>
public sealed record MachineInfo(string Date, string Cpu, int LogicalCores, string Os, string Runtime, string OnnxRuntime)
{
    public static MachineInfo Current()
    {
        var cpu = "unknown";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        var ort = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString() ?? "?";
        return new MachineInfo(
            DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            cpu,
            Environment.ProcessorCount,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            ort);
    }

    public override string ToString() => $"{Date} · {Cpu} · {LogicalCores} logical cores · {Os} · {Runtime} · ONNX Runtime {OnnxRuntime}";
}
