namespace BlazorMood.Music.Synthesis;

/// <summary>Synthetic drum hits, and the click/drum test patterns the tempo tests and the tool's self-check use.</summary>
public static class Drums
{
    internal static void Kick(double[] buffer, double start, double amp, Random rng)
    {
        _ = rng;
        var sr = MoodSynth.SampleRate;
        var s0 = (int)(start * sr);
        var n = (int)(0.25 * sr);
        var phase = 0.0;
        for (var i = 0; i < n && s0 + i < buffer.Length; i++)
        {
            var t = (double)i / sr;
            // Pitch sweeps down from 120 to 45 Hz: the "thump".
            var hz = 45 + 75 * Math.Exp(-t * 30);
            phase += hz / sr;
            buffer[s0 + i] += amp * Math.Exp(-t * 14) * Math.Sin(2 * Math.PI * phase);
        }
    }

    internal static void Snare(double[] buffer, double start, double amp, Random rng)
    {
        var sr = MoodSynth.SampleRate;
        var s0 = (int)(start * sr);
        var n = (int)(0.18 * sr);
        for (var i = 0; i < n && s0 + i < buffer.Length; i++)
        {
            var t = (double)i / sr;
            var noise = rng.NextDouble() * 2 - 1;
            buffer[s0 + i] += amp * (Math.Exp(-t * 25) * noise * 0.8 + Math.Exp(-t * 30) * Math.Sin(2 * Math.PI * 185 * t) * 0.5);
        }
    }

    internal static void Hat(double[] buffer, double start, double amp, Random rng)
    {
        var sr = MoodSynth.SampleRate;
        var s0 = (int)(start * sr);
        var n = (int)(0.05 * sr);
        var prev = 0.0;
        for (var i = 0; i < n && s0 + i < buffer.Length; i++)
        {
            var t = (double)i / sr;
            var noise = rng.NextDouble() * 2 - 1;
            // First difference = crude high-pass: keeps the hiss, drops the body.
            buffer[s0 + i] += amp * Math.Exp(-t * 90) * (noise - prev);
            prev = noise;
        }
    }

    /// <summary>A metronome: 10 ms 1 kHz blips on each beat, the downbeat louder.</summary>
    public static float[] ClickTrack(double bpm, double seconds)
    {
        var sr = MoodSynth.SampleRate;
        var x = new double[(int)(seconds * sr)];
        var beat = 60 / bpm;
        var k = 0;
        for (var t = 0.0; t < seconds; t = ++k * beat)
        {
            var s0 = (int)Math.Round(t * sr);
            var amp = k % 4 == 0 ? 0.9 : 0.6;
            for (var i = 0; i < sr / 100 && s0 + i < x.Length; i++)
            {
                x[s0 + i] += amp * Math.Sin(2 * Math.PI * 1000 * i / sr) * (1 - (double)i / (sr / 100));
            }
        }
        return ToFloat(x);
    }

    /// <summary>A rock beat: kick on 1 and 3, snare on 2 and 4, hi-hat on the beats and, optionally, softer on the off-beats.</summary>
    public static float[] DrumLoop(double bpm, double seconds, int seed, bool eighthHats = true)
    {
        var rng = new Random(seed);
        var x = new double[(int)(seconds * MoodSynth.SampleRate)];
        var beat = 60 / bpm;
        var k = 0;
        for (var t = 0.0; t < seconds; t = ++k * beat)
        {
            if (k % 2 == 0)
            {
                Kick(x, t, 0.7, rng);
            }
            else
            {
                Snare(x, t, 0.45, rng);
            }
            Hat(x, t, 0.12, rng);
            if (eighthHats)
            {
                Hat(x, t + beat / 2, 0.06, rng);
            }
        }
        return ToFloat(x);
    }

    private static float[] ToFloat(double[] x)
    {
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = (float)Math.Clamp(x[i], -1, 1);
        }
        return y;
    }
}
