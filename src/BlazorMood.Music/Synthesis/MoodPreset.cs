namespace BlazorMood.Music.Synthesis;

public enum Scale
{
    Major,
    Minor,

    /// <summary>Phrygian minor with a flat second and tritone colour: uneasy, for fear and disgust.</summary>
    Dissonant,
}

public enum Timbre
{
    Sine,
    Triangle,
    Square,
    Saw,
    Fm,
    Pluck,
}

public enum DrumStyle
{
    /// <summary>A soft low pulse on every beat (keeps ambient tracks' tempo audible).</summary>
    Pulse,

    /// <summary>Kick on 1 and 3, light snare on 2 and 4, hi-hat on the beats.</summary>
    Soft,

    /// <summary>Kick on 1 and 3, snare on 2 and 4, hi-hat on eighths.</summary>
    Backbeat,

    /// <summary>Kick on every beat, snare on 2 and 4, hi-hat on eighths: steady cadence for running and workouts.</summary>
    FourOnTheFloor,

    /// <summary>Backbeat with shifted accents and occasional fills: quirky.</summary>
    Syncopated,
}

/// <summary>Musical parameters of one playlist's generated tracks (documented in playlists/README.md).</summary>
public sealed record MoodPreset(
    string Playlist,
    string Label,
    int TempoMin,
    int TempoMax,
    Scale Scale,
    Timbre Lead,
    Timbre Pad,
    DrumStyle Drums,
    double Distortion,
    double LowpassHz,
    bool Drone,
    double NoteDensity,
    double Level,
    int[][] Progressions,
    string Character);

/// <summary>The presets of the starter library, one per playlist.</summary>
public static class MoodPresets
{
    // Scale degrees (0-based) of chord roots, per bar.
    private static readonly int[][] MajorPop = [[0, 4, 5, 3], [0, 5, 3, 4], [0, 3, 4, 4], [5, 3, 0, 4]];
    private static readonly int[][] MinorSad = [[0, 5, 2, 6], [0, 3, 4, 0], [0, 5, 3, 4], [0, 6, 5, 4]];
    private static readonly int[][] MinorDrive = [[0, 0, 5, 6], [0, 6, 5, 6], [0, 3, 0, 4]];
    private static readonly int[][] Uneasy = [[0, 1, 0, 4], [0, 1, 3, 1], [0, 0, 1, 4]];
    private static readonly int[][] Calm = [[0, 3, 0, 4], [0, 5, 3, 0], [3, 0, 4, 0]];

    public static IReadOnlyList<MoodPreset> All { get; } =
    [
        new("emotion_happy", "Happy", 115, 130, Scale.Major, Timbre.Square, Timbre.Triangle, DrumStyle.Backbeat, 0, 7000, false, 0.75, 0.9, MajorPop, "major key, bright square lead, full backbeat"),
        new("emotion_sad", "Sad", 60, 75, Scale.Minor, Timbre.Sine, Timbre.Triangle, DrumStyle.Pulse, 0, 1800, false, 0.35, 0.5, MinorSad, "minor key, soft sine lead, low pulse, dark filter"),
        new("emotion_angry", "Angry", 140, 160, Scale.Minor, Timbre.Saw, Timbre.Saw, DrumStyle.FourOnTheFloor, 0.8, 6000, false, 0.8, 1.0, MinorDrive, "minor key, distorted saw, driving drums, loud"),
        new("emotion_neutral", "Neutral", 90, 105, Scale.Major, Timbre.Triangle, Timbre.Sine, DrumStyle.Soft, 0, 4000, false, 0.5, 0.7, Calm, "major key, mellow triangle lead, light drums"),
        new("emotion_surprise", "Surprise", 100, 140, Scale.Major, Timbre.Fm, Timbre.Pluck, DrumStyle.Syncopated, 0, 8000, false, 0.7, 0.85, MajorPop, "major key, FM bells, octave leaps, syncopated drums"),
        new("emotion_fear", "Fear", 66, 80, Scale.Dissonant, Timbre.Sine, Timbre.Saw, DrumStyle.Pulse, 0.1, 1200, true, 0.3, 0.6, Uneasy, "phrygian minor, low drone, tritones, heartbeat pulse"),
        new("emotion_disgust", "Disgust", 84, 100, Scale.Dissonant, Timbre.Saw, Timbre.Square, DrumStyle.Soft, 0.4, 2500, true, 0.5, 0.7, Uneasy, "dissonant clusters, detuned saw, murky filter"),
        new("activity_running", "Running", 150, 175, Scale.Major, Timbre.Square, Timbre.Saw, DrumStyle.FourOnTheFloor, 0.1, 7000, false, 0.7, 0.95, MajorPop, "cadence-matched tempo, kick on every step"),
        new("activity_walking", "Walking", 100, 120, Scale.Major, Timbre.Pluck, Timbre.Triangle, DrumStyle.Backbeat, 0, 5000, false, 0.6, 0.8, MajorPop, "walking pace, plucked lead, backbeat"),
        new("activity_cycling", "Cycling", 80, 100, Scale.Major, Timbre.Triangle, Timbre.Saw, DrumStyle.FourOnTheFloor, 0, 5000, false, 0.55, 0.85, MajorPop, "pedal-rate tempo (~80–100 rpm), steady kick"),
        new("activity_exercising", "Exercising", 125, 140, Scale.Minor, Timbre.Saw, Timbre.Square, DrumStyle.FourOnTheFloor, 0.3, 6500, false, 0.75, 0.95, MinorDrive, "workout tempo, punchy minor riffs"),
        new("activity_sitting", "Sitting", 70, 85, Scale.Major, Timbre.Sine, Timbre.Triangle, DrumStyle.Soft, 0, 2500, false, 0.4, 0.55, Calm, "calm major, soft keys, brushed drums"),
        new("activity_sleeping", "Sleeping", 50, 65, Scale.Major, Timbre.Sine, Timbre.Sine, DrumStyle.Pulse, 0, 900, true, 0.25, 0.4, Calm, "ambient, slow pulse, warm drone, heavy filter"),
        new("activity_standing", "Standing", 90, 100, Scale.Major, Timbre.Pluck, Timbre.Sine, DrumStyle.Soft, 0, 4000, false, 0.5, 0.7, Calm, "easy mid-tempo, plucked lead"),
    ];
}
