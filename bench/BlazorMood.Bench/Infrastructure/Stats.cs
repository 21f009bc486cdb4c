namespace BlazorMood.Bench.Infrastructure;

/// <summary>Latency summary of one measured series, in milliseconds.</summary>
public sealed record LatencySummary(int Samples, double Mean, double P50, double P95, double P99, double Min, double Max)
{
    public static LatencySummary Of(IReadOnlyList<double> samplesMs)
    {
        if (samplesMs.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = samplesMs.Order().ToArray();
        return new LatencySummary(sorted.Length, sorted.Average(), Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[0], sorted[^1]);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
