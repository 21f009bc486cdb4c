namespace BlazorMood.Playback.Kiosk;

/// <summary>How much the people in view move (averaged over <see cref="KioskOptions.EnergyWindow"/>).</summary>
public enum RoomEnergy
{
    /// <summary>Standing, sitting, resting between sets.</summary>
    Calm,

    /// <summary>Walking about, a light warm-up, or a busy room.</summary>
    Moving,

    /// <summary>A workout: jumping, running, fast repetitions.</summary>
    High,
}

/// <summary>
/// What the kiosk read from the room, and the one thing that drives its music: the energy (people and their movement)
/// and the group's mood, either of which may not be known yet. <see cref="Mood"/> is an emotion label, or
/// <see cref="Effort"/> when angry or disgusted faces come with high energy (a grimace of effort, not anger).
/// The screen shows this reading and the music is chosen from it (<see cref="Activity"/>, <see cref="MusicEmotion"/>),
/// so the two cannot disagree.
/// </summary>
public sealed record RoomReading(RoomEnergy? Energy, string? Mood)
{
    /// <summary>The mood of faces straining in a workout.</summary>
    public const string Effort = "effort";

    /// <summary>The activity the music is chosen for: its tempo and energy (null while the energy is not known).</summary>
    public string? Activity => Energy switch
    {
        RoomEnergy.High => "exercising",
        RoomEnergy.Moving => "walking",
        RoomEnergy.Calm => "standing",
        _ => null,
    };

    /// <summary>The emotion the music is chosen for: none for effort (the energy alone leads, never angry music).</summary>
    public string? MusicEmotion => Mood is null or Effort ? null : Mood;

    /// <summary>What the music is chosen from: two readings with the same key play the same kind of music.</summary>
    public string MusicKey => $"{Activity ?? "-"}/{MusicEmotion ?? "-"}";

    /// <summary>True for the grimace of effort: angry or disgusted faces while the room's energy is high.</summary>
    public static bool IsEffort(RoomEnergy? energy, string? mood) =>
        energy == RoomEnergy.High && mood is "angry" or "disgust";
}
