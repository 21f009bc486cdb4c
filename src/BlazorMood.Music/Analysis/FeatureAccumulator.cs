namespace BlazorMood.Music.Analysis;

/// <summary>
/// Consumes mono PCM in any chunk sizes and keeps only what the features need: running sums for loudness and
/// brightness, and the onset-strength envelope (one value per hop, ~170 per second), never the audio itself.
/// </summary>
/// <remarks>
/// Onset strength is the spectral flux of log-compressed band energies (half-wave rectified frame-to-frame increase,
/// summed over bands): note and drum attacks raise many bands at once, sustained tones do not. Bands are spaced
/// logarithmically (like the mel scale) rather than per FFT bin: per bin, broadband hi-hats and snares would
/// outweigh the kick drum fifty to one and the envelope would follow the hi-hat's eighth notes, not the beat.
/// </remarks>
internal sealed class FeatureAccumulator
{
    public const int FrameSize = 1024;
    public const int Hop = 128;

    // log(1 + γ·|X|): compresses dynamics so soft onsets count next to loud ones.
    private const double Compression = 100;

    private readonly int _sampleRate;
    private readonly Fft _fft = new(FrameSize);
    private readonly double[] _window = new double[FrameSize];
    private readonly float[] _frame = new float[FrameSize];
    private readonly double[] _re = new double[FrameSize];
    private readonly double[] _im = new double[FrameSize];
    private const int Bands = 40;
    private const double LowestHz = 30;
    private readonly int[] _bandOf = new int[FrameSize / 2 + 1];
    private readonly double[] _bandEnergy = new double[Bands];
    private readonly double[] _prevLog = new double[Bands];
    private readonly List<float> _onsets = [];
    private readonly ChromaAccumulator _chroma;
    private int _filled;
    private int _sinceFrame;
    private long _samples;
    private double _sumSquares;
    private double _centroidWeighted;
    private double _centroidWeight;

    public FeatureAccumulator(int sampleRate)
    {
        _sampleRate = sampleRate;
        _chroma = new ChromaAccumulator(sampleRate);
        for (var i = 0; i < FrameSize; i++)
        {
            _window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / FrameSize);
        }
        var binHz = (double)sampleRate / FrameSize;
        var ratio = Math.Pow(sampleRate / 2.0 / LowestHz, 1.0 / Bands);
        for (var k = 0; k <= FrameSize / 2; k++)
        {
            var hz = Math.Max(LowestHz, k * binHz);
            _bandOf[k] = k == 0 ? -1 : Math.Min(Bands - 1, (int)(Math.Log(hz / LowestHz) / Math.Log(ratio)));
        }
    }

    public long Samples => _samples;

    public double FrameRate => (double)_sampleRate / Hop;

    public IReadOnlyList<float> Onsets => _onsets;

    /// <summary>The track's pitch-class profile (index 0 = C).</summary>
    public IReadOnlyList<double> Chroma => _chroma.Chroma;

    public void Push(ReadOnlySpan<float> samples)
    {
        _chroma.Push(samples);
        foreach (var raw in samples)
        {
            var x = float.IsFinite(raw) ? raw : 0f;
            _sumSquares += x * x;
            _samples++;
            if (_filled < FrameSize)
            {
                _frame[_filled++] = x;
            }
            else
            {
                // Slide by one hop at a time: shifting 1 KB per 128 samples is cheaper than ring-buffer index math in the FFT input.
                if (_sinceFrame == 0)
                {
                    Array.Copy(_frame, Hop, _frame, 0, FrameSize - Hop);
                }
                _frame[FrameSize - Hop + _sinceFrame] = x;
                _sinceFrame++;
                if (_sinceFrame < Hop)
                {
                    continue;
                }
                _sinceFrame = 0;
            }
            if (_filled == FrameSize && _sinceFrame == 0)
            {
                AnalyseFrame();
            }
        }
    }

    private void AnalyseFrame()
    {
        for (var i = 0; i < FrameSize; i++)
        {
            _re[i] = _frame[i] * _window[i];
            _im[i] = 0;
        }
        _fft.Transform(_re, _im);
        double flux = 0, magSum = 0, weighted = 0, power = 0;
        var binHz = (double)_sampleRate / FrameSize;
        Array.Clear(_bandEnergy);
        for (var k = 1; k <= FrameSize / 2; k++)
        {
            var p = _re[k] * _re[k] + _im[k] * _im[k];
            var mag = Math.Sqrt(p);
            _bandEnergy[_bandOf[k]] += mag;
            magSum += mag;
            weighted += mag * k * binHz;
            power += mag * mag;
        }
        for (var b = 0; b < Bands; b++)
        {
            var log = Math.Log(1 + Compression * _bandEnergy[b]);
            var rise = log - _prevLog[b];
            if (rise > 0)
            {
                flux += rise;
            }
            _prevLog[b] = log;
        }
        _onsets.Add((float)flux);
        if (magSum > 1e-9)
        {
            // Weight each frame's centroid by its power so silence and fades do not drag the average.
            _centroidWeighted += power * (weighted / magSum);
            _centroidWeight += power;
        }
    }

    public double RmsDbfs()
    {
        if (_samples == 0 || _sumSquares <= 0)
        {
            return -120;
        }
        return Math.Max(-120, 10 * Math.Log10(_sumSquares / _samples));
    }

    public double CentroidHz() => _centroidWeight > 0 ? _centroidWeighted / _centroidWeight : 0;

    /// <summary>
    /// Note and drum attacks per second: peaks of the onset envelope that are the largest within ±50 ms and stand
    /// above the envelope's one-second local mean by more than half its standard deviation (so a steady texture
    /// has none, and a quiet passage's attacks still count against their own surroundings).
    /// </summary>
    public double OnsetsPerSecond()
    {
        var n = _onsets.Count;
        if (n == 0)
        {
            return 0;
        }
        var half = Math.Max(1, (int)(FrameRate / 2));
        var prefix = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            prefix[i + 1] = prefix[i] + _onsets[i];
        }
        var rise = new double[n];
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < n; i++)
        {
            int lo = Math.Max(0, i - half), hi = Math.Min(n, i + half + 1);
            rise[i] = Math.Max(0, _onsets[i] - (prefix[hi] - prefix[lo]) / (hi - lo));
            sum += rise[i];
            sumSquares += rise[i] * rise[i];
        }
        var mean = sum / n;
        var threshold = 0.5 * Math.Sqrt(Math.Max(0, sumSquares / n - mean * mean));
        if (threshold <= 1e-9)
        {
            return 0;
        }
        var window = Math.Max(1, (int)Math.Round(0.05 * FrameRate));
        var peaks = 0;
        var lastPeak = -window - 1;
        for (var i = 0; i < n; i++)
        {
            if (rise[i] <= threshold || i - lastPeak <= window)
            {
                continue;
            }
            var isMax = true;
            for (var j = Math.Max(0, i - window); j <= Math.Min(n - 1, i + window) && isMax; j++)
            {
                isMax = rise[j] <= rise[i] && (j >= i || rise[j] < rise[i]);
            }
            if (isMax)
            {
                peaks++;
                lastPeak = i;
            }
        }
        return peaks / ((double)_samples / _sampleRate);
    }
}
