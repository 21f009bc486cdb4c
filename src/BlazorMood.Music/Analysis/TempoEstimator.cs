namespace BlazorMood.Music.Analysis;

/// <summary>
/// Tempo from an onset-strength envelope: normalise the envelope, autocorrelate it, and score every candidate tempo
/// with a comb over the autocorrelation (energy at whole beat multiples minus half of the energy half-way between),
/// weighted by a log-normal prior around 120 BPM.
/// </summary>
/// <remarks>
/// Why a comb with a negative half-beat tooth: a pulse at T also repeats at 2T, 3T…, so the autocorrelation alone
/// cannot tell T from T/2 (every second beat lines up as well). The half-beat teeth are empty for the true tempo and
/// full for its sub-octave, which punishes the slow octave; the prior and the many harmonics settle the fast one.
/// Summing up to eight harmonics also gives sub-frame precision (a 1-frame error at 8 beats is 1/8 frame per beat).
/// </remarks>
internal static class TempoEstimator
{
    public const double MinBpm = 40;
    public const double MaxBpm = 240;
    private const double StepBpm = 0.05;
    private const int MaxHarmonics = 8;
    private const double OffBeatPenalty = 0.5;

    public static (double? Bpm, double Confidence) Estimate(IReadOnlyList<float> onsets, double frameRate, double priorBpm, double priorOctaves)
    {
        var n = onsets.Count;
        // Two beats at the slowest tempo are the least that can show a period.
        if (n < 2 * 60 / MinBpm * frameRate)
        {
            return (null, 0);
        }
        var env = Normalise(onsets, frameRate);
        var maxLag = Math.Min(n - 1, (int)Math.Ceiling(MaxHarmonics * 60 / MinBpm * frameRate) + 2);
        var ac = Autocorrelate(env, maxLag);
        if (ac[0] <= 1e-12)
        {
            return (null, 0);
        }

        double bestScore = double.NegativeInfinity, bestBpm = 0, sumScore = 0;
        var candidates = 0;
        for (var bpm = MinBpm; bpm <= MaxBpm; bpm += StepBpm)
        {
            var lag = 60 * frameRate / bpm;
            double on = 0, off = 0;
            var teeth = 0;
            for (var k = 1; k <= MaxHarmonics; k++)
            {
                var at = k * lag;
                if (at >= maxLag)
                {
                    break;
                }
                on += Interpolate(ac, at);
                off += Interpolate(ac, at - lag / 2);
                teeth++;
            }
            if (teeth == 0)
            {
                continue;
            }
            var comb = Math.Max(0, (on - OffBeatPenalty * off) / teeth) / ac[0];
            var octaves = Math.Log2(bpm / priorBpm) / priorOctaves;
            var score = comb * Math.Exp(-0.5 * octaves * octaves);
            sumScore += score;
            candidates++;
            if (score > bestScore)
            {
                bestScore = score;
                bestBpm = bpm;
            }
        }
        if (bestScore <= 0 || candidates == 0)
        {
            return (null, 0);
        }
        // Peak-to-mean ratio mapped into 0..1: a clear pulse stands far above the average candidate.
        var ratio = bestScore / (sumScore / candidates);
        var confidence = Math.Clamp((ratio - 1) / 9, 0, 1);
        return (bestBpm, confidence);
    }

    /// <summary>Subtracts a one-second moving average and keeps the positive part: peaks relative to their surroundings.</summary>
    private static double[] Normalise(IReadOnlyList<float> onsets, double frameRate)
    {
        var n = onsets.Count;
        var half = Math.Max(1, (int)(frameRate / 2));
        var prefix = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            prefix[i + 1] = prefix[i] + onsets[i];
        }
        var env = new double[n];
        double mean = 0;
        for (var i = 0; i < n; i++)
        {
            int lo = Math.Max(0, i - half), hi = Math.Min(n, i + half + 1);
            var local = (prefix[hi] - prefix[lo]) / (hi - lo);
            env[i] = Math.Max(0, onsets[i] - local);
            mean += env[i];
        }
        mean /= n;
        for (var i = 0; i < n; i++)
        {
            env[i] -= mean;
        }
        return env;
    }

    /// <summary>Unbiased autocorrelation (each lag divided by its overlap) so long lags are not penalised.</summary>
    private static double[] Autocorrelate(double[] x, int maxLag)
    {
        var n = x.Length;
        var ac = new double[maxLag + 1];
        for (var lag = 0; lag <= maxLag; lag++)
        {
            double sum = 0;
            for (var i = 0; i + lag < n; i++)
            {
                sum += x[i] * x[i + lag];
            }
            ac[lag] = sum / (n - lag);
        }
        return ac;
    }

    private static double Interpolate(double[] ac, double at)
    {
        var i = (int)at;
        if (i + 1 >= ac.Length)
        {
            return ac[^1];
        }
        var f = at - i;
        return ac[i] * (1 - f) + ac[i + 1] * f;
    }
}
