namespace BlazorMood.Video;

/// <summary>Small numeric helpers for keypoint time series (short arrays, no allocation worries).</summary>
internal static class Signal
{
    public static double Sigmoid(double x, double centre, double width) => 1 / (1 + Math.Exp(-(x - centre) / width));

    public static double Median(IEnumerable<double> values)
    {
        var a = values.Where(double.IsFinite).Order().ToArray();
        if (a.Length == 0)
        {
            return double.NaN;
        }
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[(a.Length / 2) - 1] + a[a.Length / 2]) / 2;
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var a = values.Where(double.IsFinite).Order().ToArray();
        if (a.Length == 0)
        {
            return double.NaN;
        }
        var pos = p / 100 * (a.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(a.Length - 1, lo + 1);
        return a[lo] + ((a[hi] - a[lo]) * (pos - lo));
    }

    /// <summary>Fills NaN gaps by linear interpolation (ends take the nearest value); false when under <paramref name="minPresent"/> are present.</summary>
    public static bool FillGaps(double[] x, double minPresent)
    {
        var present = x.Count(double.IsFinite);
        if (x.Length == 0 || present < Math.Max(3, minPresent * x.Length))
        {
            return false;
        }
        var last = -1;
        for (var i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]))
            {
                continue;
            }
            if (last == -1)
            {
                for (var j = 0; j < i; j++)
                {
                    x[j] = x[i];
                }
            }
            else if (i - last > 1)
            {
                for (var j = last + 1; j < i; j++)
                {
                    x[j] = x[last] + ((x[i] - x[last]) * (j - last) / (i - last));
                }
            }
            last = i;
        }
        for (var j = last + 1; j < x.Length; j++)
        {
            x[j] = x[last];
        }
        return true;
    }

    /// <summary>Removes the least-squares line (slow drift, a walker crossing the frame) in place; returns the slope per sample.</summary>
    public static double Detrend(double[] x)
    {
        var n = x.Length;
        if (n < 2)
        {
            return 0;
        }
        double mt = (n - 1) / 2.0, mx = x.Average(), num = 0, den = 0;
        for (var i = 0; i < n; i++)
        {
            num += (i - mt) * (x[i] - mx);
            den += (i - mt) * (i - mt);
        }
        var slope = den > 0 ? num / den : 0;
        for (var i = 0; i < n; i++)
        {
            x[i] -= mx + (slope * (i - mt));
        }
        return slope;
    }

    public static double Std(double[] x)
    {
        if (x.Length < 2)
        {
            return 0;
        }
        var m = x.Average();
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / x.Length);
    }

    public static double Correlation(double[] a, double[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        if (n < 3)
        {
            return 0;
        }
        double ma = a.Take(n).Average(), mb = b.Take(n).Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < n; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa > 1e-12 && sbb > 1e-12 ? sab / Math.Sqrt(saa * sbb) : 0;
    }

    /// <summary>
    /// Strength (normalised autocorrelation at the period, 0..1) and period in seconds of the strongest repetition
    /// between <paramref name="minPeriod"/> and <paramref name="maxPeriod"/>. The shortest lag whose peak reaches 70%
    /// of the best is taken, so a multiple of the period does not win; the peak is refined with a parabola, because at
    /// 10 samples a second a whole-sample lag would put the cadence off by up to 7%.
    /// </summary>
    public static (double Strength, double Period) Periodicity(double[] detrended, double dt, double minPeriod, double maxPeriod)
    {
        var n = detrended.Length;
        var minLag = Math.Max(2, (int)Math.Floor(minPeriod / dt));
        var maxLag = Math.Min((int)Math.Ceiling(maxPeriod / dt), (n * 2 / 3) - 1);
        if (maxLag <= minLag || detrended.Sum(v => v * v) / n < 1e-9)
        {
            return (0, double.NaN);
        }
        var r = new double[maxLag + 2];
        for (var lag = 1; lag <= maxLag + 1 && lag < n - 1; lag++)
        {
            double s = 0, s0 = 0, s1 = 0;
            for (var i = 0; i + lag < n; i++)
            {
                s += detrended[i] * detrended[i + lag];
                s0 += detrended[i] * detrended[i];
                s1 += detrended[i + lag] * detrended[i + lag];
            }
            r[lag] = s0 > 0 && s1 > 0 ? s / Math.Sqrt(s0 * s1) : 0;
        }
        var peaks = new List<int>();
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            if (r[lag] > 0 && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1])
            {
                peaks.Add(lag);
            }
        }
        if (peaks.Count == 0)
        {
            return (0, double.NaN);
        }
        var best = peaks.Max(l => r[l]);
        var pick = peaks.First(l => r[l] >= 0.7 * best);
        var denom = r[pick - 1] - (2 * r[pick]) + r[pick + 1];
        var delta = Math.Abs(denom) > 1e-9 ? Math.Clamp(0.5 * (r[pick - 1] - r[pick + 1]) / denom, -0.5, 0.5) : 0;
        return (Math.Clamp(r[pick], 0, 1), (pick + delta) * dt);
    }
}
