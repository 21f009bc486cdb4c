namespace BlazorMood.Bench;

/// <summary>Command-line settings shared by the benchmarks.</summary>
public sealed record BenchSettings(string ModelsPath, string CacheRoot, string OutDir, int Iterations, int WarmUp, TimeSpan MaxSeriesTime)
{
    public static BenchSettings Parse(string[] args, string repoRoot)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new BenchSettings(
            Path.GetFullPath(Value("--models", Path.Combine(repoRoot, "models"))),
            Path.GetFullPath(Value("--cache", Environment.GetEnvironmentVariable("BLAZORMOOD_CACHE") ?? Path.Combine(repoRoot, ".cache"))),
            Path.GetFullPath(Value("--out", Path.Combine(repoRoot, "artifacts", "bench"))),
            int.Parse(Value("--iterations", "300"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Value("--warmup", "30"), System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(Value("--max-seconds", "20"), System.Globalization.CultureInfo.InvariantCulture)));
    }
}
