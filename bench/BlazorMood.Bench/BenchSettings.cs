namespace BlazorMood.Bench;

/// <summary>Command-line settings shared by the benchmarks (see <see cref="BenchCommandLine"/>).</summary>
public sealed record BenchSettings(string ModelsPath, string CacheRoot, string OutDir, int Iterations, int WarmUp, TimeSpan MaxSeriesTime);
