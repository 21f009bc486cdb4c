namespace BlazorMood.Music.Analysis;

/// <summary>
/// Tempo from an onset-strength envelope: normalise the envelope, autocorrelate it, and score every candidate tempo
/// with a comb over the autocorrelation — energy at whole multiples of the beat period, minus a share of the energy
/// half-way and a third of the way between — weighted by a log-normal prior around 120 BPM.
/// </summary>
/// <remarks>
/// Octave errors: a pulse at period P also repeats at 2P, 3P…, so teeth at the multiples alone cannot tell a tempo
/// from its half (every second beat lines up too). The half-period teeth are full for the half tempo (they land on
/// the skipped beats) and much weaker for the true one (only off-beat hi-hats), which punishes the slow octave. The
/// third-period teeth do the same for the 2/3 tempo that a backbeat with eighth-note hi-hats otherwise invites.
/// Nothing in the comb penalises double time, so after the prior has picked a tempo a second test looks at the
/// half tempo: when the slower pulse explains the periodicity about as well (<see cref="HalfCombShare"/>) and every
/// other beat of the faster one is much weaker than its neighbours (<see cref="AlternationRatio"/>: off-beat hi-hats
/// over a kick on the beat, the second stroke of a heartbeat), the weak pulses are subdivisions and the beat is the
/// slower one. A backbeat (kick and snare alternating at similar strength) or a kick on every beat keeps the faster
/// tempo. The prior alone would read a 50 BPM ballad with eighth-note accompaniment at 100.
/// Summing up to eight harmonics gives sub-frame precision (a 1-frame error at 8 beats is 1/8 frame per beat).
/// </remarks>
internal static class TempoEstimator
{
    public const double MinBpm = 40;
    public const double MaxBpm = 190;
    private const double StepBpm = 0.05;
    private const int MaxHarmonics = 8;
    private const double HalfPenalty = 0.6;
    private const double ThirdPenalty = 0.5;

    /// <summary>The half tempo's comb must reach this share of the chosen tempo's before the beat can be the slower pulse.</summary>
    internal const double HalfCombShare = 0.85;

    /// <summary>Alternate beats weaker than this share of their neighbours (on average) are subdivisions, not beats.</summary>
    internal const double AlternationRatio = 0.35;

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

        double bestScore = double.NegativeInfinity, bestBpm = 0, bestComb = 0;
        for (var bpm = MinBpm; bpm <= MaxBpm; bpm += StepBpm)
        {
            if (Comb(ac, maxLag, frameRate, bpm) is not { } comb)
            {
                continue;
            }
            var octaves = Math.Log2(bpm / priorBpm) / priorOctaves;
            var score = comb * Math.Exp(-0.5 * octaves * octaves);
            if (score > bestScore)
            {
                bestScore = score;
                bestBpm = bpm;
                bestComb = comb;
            }
        }
        if (bestScore <= 0)
        {
            return (null, 0);
        }
        var slower = bestBpm / 2;
        if (slower >= MinBpm
            && Comb(ac, maxLag, frameRate, slower) is { } slowComb && slowComb >= HalfCombShare * bestComb
            && Alternation(env, 60 * frameRate / bestBpm) < AlternationRatio)
        {
            // Refine around the half: the comb's own peak, not exactly half of the faster estimate.
            var refined = slower;
            var refinedComb = slowComb;
            for (var bpm = slower - 1; bpm <= slower + 1; bpm += StepBpm)
            {
                if (Comb(ac, maxLag, frameRate, bpm) is { } c && c > refinedComb)
                {
                    refined = bpm;
                    refinedComb = c;
                }
            }
            return (refined, Math.Clamp(refinedComb, 0, 1));
        }
        // The comb of the winner relative to the envelope's energy: near 1 for a metronome, near 0 for no pulse.
        return (bestBpm, Math.Clamp(bestComb, 0, 1));
    }

    /// <summary>Comb score of one tempo (null when the autocorrelation is too short to hold a single tooth).</summary>
    private static double? Comb(double[] ac, int maxLag, double frameRate, double bpm)
    {
        var lag = 60 * frameRate / bpm;
        double on = 0, half = 0, third = 0;
        var teeth = 0;
        for (var k = 1; k <= MaxHarmonics; k++)
        {
            var at = k * lag;
            if (at >= maxLag)
            {
                break;
            }
            on += Interpolate(ac, at);
            half += Interpolate(ac, at - lag / 2);
            third += 0.5 * (Interpolate(ac, at - lag / 3) + Interpolate(ac, at - 2 * lag / 3));
            teeth++;
        }
        return teeth == 0 ? null : Math.Max(0, (on - HalfPenalty * half - ThirdPenalty * third) / teeth) / ac[0];
    }

    /// <summary>
    /// How strong the weaker of the two alternating beat sets is against the stronger one: the envelope is folded at
    /// two beats, at the phase where the beats are strongest, and each beat contributes its peak within ±1 frame.
    /// Near 1 when every beat is alike, near 0 when every other one is (almost) silent.
    /// </summary>
    internal static double Alternation(double[] env, double beatFrames)
    {
        double bestSum = double.NegativeInfinity, ratio = 1;
        for (var phase = 0; phase < (int)beatFrames; phase++)
        {
            double even = 0, odd = 0;
            int evens = 0, odds = 0;
            for (var k = 0; ; k++)
            {
                var i = (int)Math.Round(phase + k * beatFrames);
                if (i + 1 >= env.Length)
                {
                    break;
                }
                var peak = Math.Max(env[Math.Max(0, i - 1)], Math.Max(env[i], env[i + 1]));
                if (k % 2 == 0)
                {
                    even += peak;
                    evens++;
                }
                else
                {
                    odd += peak;
                    odds++;
                }
            }
            if (evens == 0 || odds == 0)
            {
                continue;
            }
            even /= evens;
            odd /= odds;
            if (even + odd > bestSum)
            {
                bestSum = even + odd;
                var strong = Math.Max(even, odd);
                ratio = strong <= 0 ? 1 : Math.Min(even, odd) / strong;
            }
        }
        return ratio;
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
