namespace BlazorMood.Music.Synthesis;

/// <summary>What to render: a preset, a tempo, a key and a seed. Equal specs render equal samples.</summary>
public sealed record SynthTrackSpec(MoodPreset Preset, int Number, int Bpm, int RootMidi, double TargetSeconds, int Seed)
{
    private static readonly string[] NoteNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];

    public string KeyName => NoteNames[((RootMidi % 12) + 12) % 12];

    public string ModeName => Preset.Scale switch
    {
        Scale.Major => "major",
        Scale.Minor => "minor",
        _ => "phrygian",
    };
}

/// <summary>
/// A small deterministic synthesizer: chord progression, pad, bass, a seeded random-walk melody, drums, optional
/// drone, then filter / distortion / echo per mood. Mono at <see cref="SampleRate"/>. Everything random comes from
/// one <see cref="Random"/> seeded by the spec, so a spec always renders the same track.
/// </summary>
public sealed class MoodSynth
{
    public const int SampleRate = 24000;

    private static readonly int[] MajorSteps = [0, 2, 4, 5, 7, 9, 11];
    private static readonly int[] MinorSteps = [0, 2, 3, 5, 7, 8, 10];
    private static readonly int[] PhrygianSteps = [0, 1, 3, 5, 6, 8, 10];

    // Keys the presets rotate through (MIDI roots around middle C), so tracks of one playlist differ in key.
    private static readonly int[] Roots = [60, 62, 57, 64, 55, 59, 61];

    /// <summary>Plans track <paramref name="number"/> of <paramref name="count"/>: tempi spread evenly over the preset's range.</summary>
    public static SynthTrackSpec Plan(MoodPreset preset, int number, int count, double targetSeconds, int baseSeed)
    {
        var bpm = count <= 1 ? (preset.TempoMin + preset.TempoMax) / 2
            : (int)Math.Round(preset.TempoMin + (preset.TempoMax - preset.TempoMin) * (double)number / (count - 1));
        var seed = StableHash(preset.Playlist) ^ (baseSeed * 7919) ^ (number * 104729);
        return new SynthTrackSpec(preset, number, bpm, Roots[(number + StableHash(preset.Playlist)) % Roots.Length], targetSeconds, seed);
    }

    public float[] Render(SynthTrackSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var p = spec.Preset;
        var rng = new Random(spec.Seed);
        var beat = 60.0 / spec.Bpm;
        var bars = Math.Max(4, (int)Math.Round(spec.TargetSeconds / (4 * beat)));
        var length = (int)((bars * 4 * beat + 2.0) * SampleRate);
        var music = new double[length];
        var drums = new double[length];
        var steps = p.Scale switch { Scale.Major => MajorSteps, Scale.Minor => MinorSteps, _ => PhrygianSteps };
        var progression = p.Progressions[rng.Next(p.Progressions.Length)];
        var calm = spec.Bpm < 90 || p.NoteDensity < 0.45;
        var melodyDegree = 7; // an octave above the root, in scale steps

        for (var bar = 0; bar < bars; bar++)
        {
            var barStart = bar * 4 * beat;
            var degree = progression[bar % progression.Length];
            int[] chord = [Midi(spec.RootMidi - 12, steps, degree), Midi(spec.RootMidi - 12, steps, degree + 2), Midi(spec.RootMidi - 12, steps, degree + 4)];

            // Pad: the chord held for the bar (slow attack when calm).
            foreach (var note in chord)
            {
                AddNote(music, barStart, 4 * beat, Hz(note), 0.07, p.Pad, calm ? 0.4 * beat : 0.03, 0.3 * beat, sustain: true);
            }
            if (p.Scale == Scale.Dissonant && rng.NextDouble() < 0.5)
            {
                // A minor-ninth rub over the root: the "wrong note" that makes fear/disgust tracks uneasy. An octave up
                // (not a semitone) so the two do not beat slowly: slow beating reads as a false pulse.
                AddNote(music, barStart, 4 * beat, Hz(chord[0] + 13), 0.04, p.Pad, 0.5 * beat, 0.3 * beat, sustain: true);
            }

            // Bass on every beat (eighths when energetic) marks the pulse even without drums.
            var bassPerBeat = p.NoteDensity >= 0.7 ? 2 : 1;
            for (var b = 0; b < 4 * bassPerBeat; b++)
            {
                var t = barStart + b * beat / bassPerBeat;
                var accent = b % bassPerBeat == 0 ? 1.0 : 0.6;
                AddNote(music, t, beat / bassPerBeat * 0.9, Hz(chord[0] - 12), 0.22 * accent, Timbre.Pluck, 0.005, 0.05, sustain: false);
            }

            // Melody: a random walk on the scale, leaning to chord tones on strong beats.
            var slotsPerBeat = p.NoteDensity >= 0.6 ? 2 : 1;
            for (var s = 0; s < 4 * slotsPerBeat; s++)
            {
                var strong = s % slotsPerBeat == 0;
                if (rng.NextDouble() > p.NoteDensity * (strong ? 1.0 : 0.7))
                {
                    continue;
                }
                melodyDegree += rng.Next(-2, 3);
                if (strong && rng.NextDouble() < 0.6)
                {
                    // Snap to the nearest chord tone.
                    var target = degree + 2 * (int)Math.Round((melodyDegree - degree) / 2.0);
                    melodyDegree = target;
                }
                melodyDegree = Math.Clamp(melodyDegree, 3, 13);
                var note = Midi(spec.RootMidi, steps, melodyDegree - 7);
                if (p.Label == "Surprise" && rng.NextDouble() < 0.25)
                {
                    note += rng.NextDouble() < 0.5 ? 12 : -12;
                }
                var slot = beat / slotsPerBeat;
                var staccato = p.Label == "Surprise" ? 0.45 : calm ? 1.6 : 0.85;
                AddNote(music, barStart + s * slot, slot * staccato, Hz(note), 0.16, p.Lead, 0.01, calm ? 0.4 * beat : 0.08, sustain: p.Lead != Timbre.Pluck);
                if (p.Label == "Disgust")
                {
                    AddNote(music, barStart + s * slot, slot * staccato, Hz(note) * 1.012, 0.08, p.Lead, 0.01, 0.08, sustain: true);
                }
            }

            AddDrumBar(drums, barStart, beat, p.Drums, bar, rng);
        }

        if (p.Drone)
        {
            // Root and fifth (tritone when dissonant), an octave apart from each other's beating range.
            var fifth = p.Scale == Scale.Dissonant ? 18 : 19;
            AddNote(music, 0, bars * 4 * beat, Hz(spec.RootMidi - 24), 0.12, Timbre.Sine, 3, 2, sustain: true);
            AddNote(music, 0, bars * 4 * beat, Hz(spec.RootMidi - 24 + fifth), 0.06, Timbre.Triangle, 4, 2, sustain: true);
        }

        Lowpass(music, p.LowpassHz);
        if (p.Distortion > 0)
        {
            Distort(music, p.Distortion);
        }
        if (calm)
        {
            // Echo on the beat grid (one beat later) adds space without blurring the pulse.
            Echo(music, (int)(beat * SampleRate), 0.3);
        }

        var output = new float[length];
        for (var i = 0; i < length; i++)
        {
            output[i] = (float)(music[i] + drums[i]);
        }
        Fade(output, 0.05, 2.0);
        Normalise(output, 0.89 * p.Level);
        return output;
    }

    internal static int Midi(int root, int[] steps, int degree)
    {
        var octave = (int)Math.Floor(degree / 7.0);
        var index = degree - 7 * octave;
        return root + 12 * octave + steps[index];
    }

    private static double Hz(int midi) => 440 * Math.Pow(2, (midi - 69) / 12.0);

    internal static void AddNote(double[] buffer, double start, double duration, double hz, double amp, Timbre timbre, double attack, double release, bool sustain)
    {
        var s0 = (int)(start * SampleRate);
        var total = (int)((duration + release) * SampleRate);
        var dt = hz / SampleRate;
        var phase = 0.0;
        for (var i = 0; i < total && s0 + i < buffer.Length; i++)
        {
            var t = (double)i / SampleRate;
            double env;
            if (t < attack)
            {
                env = t / attack;
            }
            else if (sustain)
            {
                env = t < duration ? 1 : Math.Max(0, 1 - (t - duration) / release);
            }
            else
            {
                // Plucked: exponential decay from the attack, cut at the end.
                env = Math.Exp(-(t - attack) / Math.Max(0.05, duration * 0.5));
                if (t > duration)
                {
                    env *= Math.Max(0, 1 - (t - duration) / release);
                }
            }
            buffer[s0 + i] += amp * env * Oscillator(timbre, phase, dt, t);
            phase += dt;
            phase -= Math.Floor(phase);
        }
    }

    private static double Oscillator(Timbre timbre, double phase, double dt, double t) => timbre switch
    {
        Timbre.Sine => Math.Sin(2 * Math.PI * phase),
        Timbre.Triangle => 1 - 4 * Math.Abs(phase - 0.5),
        Timbre.Saw => 2 * phase - 1 - PolyBlep(phase, dt),
        Timbre.Square => (phase < 0.5 ? 1 : -1) + PolyBlep(phase, dt) - PolyBlep((phase + 0.5) % 1, dt),
        // Bell-like FM whose brightness fades with time.
        Timbre.Fm => Math.Sin(2 * Math.PI * phase + 2.5 * Math.Exp(-t * 4) * Math.Sin(2 * Math.PI * phase * 3.5)),
        // Sine plus a decaying octave partial: a cheap plucked-string colour.
        Timbre.Pluck => Math.Sin(2 * Math.PI * phase) + 0.5 * Math.Exp(-t * 8) * Math.Sin(4 * Math.PI * phase),
        _ => 0,
    };

    /// <summary>Polynomial band-limited step: removes most of the aliasing of naive saw/square waves.</summary>
    private static double PolyBlep(double t, double dt)
    {
        if (t < dt)
        {
            t /= dt;
            return t + t - t * t - 1;
        }
        if (t > 1 - dt)
        {
            t = (t - 1) / dt;
            return t * t + t + t + 1;
        }
        return 0;
    }

    private static void AddDrumBar(double[] drums, double barStart, double beat, DrumStyle style, int bar, Random rng)
    {
        for (var b = 0; b < 4; b++)
        {
            var t = barStart + b * beat;
            switch (style)
            {
                case DrumStyle.Pulse:
                    Drums.Kick(drums, t, b == 0 ? 0.6 : 0.45, rng);
                    break;
                case DrumStyle.Soft:
                    Drums.Kick(drums, t, b % 2 == 0 ? 0.45 : 0.2, rng);
                    if (b % 2 == 1)
                    {
                        Drums.Snare(drums, t, 0.12, rng);
                    }
                    Drums.Hat(drums, t, 0.05, rng);
                    break;
                case DrumStyle.Backbeat:
                    if (b % 2 == 0)
                    {
                        Drums.Kick(drums, t, 0.6, rng);
                    }
                    else
                    {
                        Drums.Snare(drums, t, 0.3, rng);
                    }
                    Drums.Hat(drums, t, 0.08, rng);
                    Drums.Hat(drums, t + beat / 2, 0.04, rng);
                    break;
                case DrumStyle.FourOnTheFloor:
                    Drums.Kick(drums, t, 0.65, rng);
                    if (b % 2 == 1)
                    {
                        Drums.Snare(drums, t, 0.3, rng);
                    }
                    Drums.Hat(drums, t + beat / 2, 0.07, rng);
                    break;
                case DrumStyle.Syncopated:
                    Drums.Kick(drums, t, b % 2 == 0 ? 0.6 : 0.25, rng);
                    if (b % 2 == 1)
                    {
                        Drums.Snare(drums, t, 0.28, rng);
                    }
                    if (b == 2 && bar % 2 == 1)
                    {
                        Drums.Kick(drums, t + beat * 0.75, 0.3, rng);
                    }
                    Drums.Hat(drums, t, 0.06, rng);
                    break;
            }
        }
    }

    private static void Lowpass(double[] x, double cutoffHz)
    {
        var a = 1 - Math.Exp(-2 * Math.PI * cutoffHz / SampleRate);
        double y1 = 0, y2 = 0;
        for (var i = 0; i < x.Length; i++)
        {
            // Two poles: a gentler, more natural roll-off than one.
            y1 += a * (x[i] - y1);
            y2 += a * (y1 - y2);
            x[i] = y2;
        }
    }

    private static void Distort(double[] x, double amount)
    {
        var drive = 1 + 8 * amount;
        var norm = Math.Tanh(drive);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = Math.Tanh(drive * x[i] * 2) / norm * 0.5;
        }
    }

    private static void Echo(double[] x, int delay, double feedback)
    {
        for (var i = delay; i < x.Length; i++)
        {
            x[i] += feedback * x[i - delay];
        }
    }

    private static void Fade(float[] x, double inSeconds, double outSeconds)
    {
        var fin = (int)(inSeconds * SampleRate);
        var fout = (int)(outSeconds * SampleRate);
        for (var i = 0; i < fin && i < x.Length; i++)
        {
            x[i] *= (float)i / fin;
        }
        for (var i = 0; i < fout && i < x.Length; i++)
        {
            x[x.Length - 1 - i] *= (float)i / fout;
        }
    }

    internal static void Normalise(float[] x, double peak)
    {
        var max = 0f;
        foreach (var v in x)
        {
            max = Math.Max(max, Math.Abs(v));
        }
        if (max <= 0)
        {
            return;
        }
        var g = (float)(peak / max);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= g;
        }
    }

    /// <summary>FNV-1a: string.GetHashCode is randomised per process, which would break determinism.</summary>
    internal static int StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var c in s)
        {
            h = (h ^ c) * 16777619u;
        }
        return (int)(h & 0x7fffffff);
    }
}
