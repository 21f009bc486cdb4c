using System.Collections.Frozen;
using BlazorMood.Music.Library;

namespace BlazorMood.Music.Recommendation;

/// <summary>A point in Russell's circumplex: valence (unpleasant 0 → pleasant 1) and arousal (calm 0 → excited 1).</summary>
public readonly record struct Mood(double Valence, double Arousal);

/// <summary>
/// The fixed mappings of the context mode: emotion → target mood (the "iso principle": music matching the listener's
/// state, as the original rule did), activity → mood and tempo, playlist → prior mood of its tracks, hour → daypart.
/// Values are hand-set on the circumplex, not learned; feedback corrects them per user.
/// </summary>
public static class MoodSpace
{
    private static readonly FrozenDictionary<string, Mood> EmotionMoods = new Dictionary<string, Mood>(StringComparer.Ordinal)
    {
        ["happy"] = new(0.85, 0.70),
        ["sad"] = new(0.20, 0.25),
        ["angry"] = new(0.20, 0.90),
        ["neutral"] = new(0.55, 0.45),
        ["surprise"] = new(0.70, 0.80),
        ["fear"] = new(0.20, 0.65),
        ["disgust"] = new(0.25, 0.60),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, (Mood Mood, double Bpm)> ActivityTargets = new Dictionary<string, (Mood Mood, double Bpm)>(StringComparer.Ordinal)
    {
        // Tempo centres follow typical cadences/rates: running ~160 spm, brisk walking ~110, cycling ~90 rpm.
        ["running"] = (new(0.65, 0.95), 162),
        ["exercising"] = (new(0.65, 0.85), 132),
        ["cycling"] = (new(0.60, 0.70), 90),
        ["walking"] = (new(0.65, 0.55), 110),
        ["standing"] = (new(0.55, 0.40), 95),
        ["sitting"] = (new(0.55, 0.30), 80),
        ["sleeping"] = (new(0.50, 0.08), 57),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static Mood? ForEmotion(string label) => EmotionMoods.TryGetValue(PlaylistNames.Normalize(label), out var m) ? m : null;

    public static (Mood Mood, double Bpm)? ForActivity(string activity) =>
        ActivityTargets.TryGetValue(PlaylistNames.Normalize(activity), out var t) ? t : null;

    /// <summary>The mood a playlist's tracks are assumed to carry before any per-track measurement.</summary>
    public static Mood ForPlaylist(string playlist)
    {
        if (playlist.StartsWith(PlaylistNames.EmotionPrefix, StringComparison.Ordinal) && ForEmotion(playlist[PlaylistNames.EmotionPrefix.Length..]) is { } e)
        {
            return e;
        }
        if (playlist.StartsWith(PlaylistNames.ActivityPrefix, StringComparison.Ordinal) && ForActivity(playlist[PlaylistNames.ActivityPrefix.Length..]) is { } a)
        {
            return a.Mood;
        }
        return new(0.5, 0.5);
    }

    /// <summary>
    /// A track's mood: its playlist prior, with arousal pulled towards its tempo and loudness when measured (a fast,
    /// loud track in a "neutral" list is still energetic).
    /// </summary>
    public static Mood ForTrack(string playlist, TrackFeatures features)
    {
        var prior = ForPlaylist(playlist);
        var arousal = prior.Arousal;
        if (features.Bpm is { } bpm)
        {
            arousal = 0.6 * arousal + 0.4 * Math.Clamp((bpm - 50) / 120, 0, 1);
        }
        if (features.EnergyDb is { } db)
        {
            // -30 dBFS (quiet) … -10 dBFS (loud).
            arousal = 0.8 * arousal + 0.2 * Math.Clamp((db + 30) / 20, 0, 1);
        }
        return new(prior.Valence, arousal);
    }

    /// <summary>Part of the day for a local hour, and the mood that suits it (a weak signal).</summary>
    public static (string Name, Mood Mood) Daypart(int hour) => hour switch
    {
        < 6 => ("night", new(0.50, 0.15)),
        < 12 => ("morning", new(0.70, 0.55)),
        < 18 => ("afternoon", new(0.60, 0.60)),
        < 22 => ("evening", new(0.60, 0.40)),
        _ => ("late-evening", new(0.50, 0.25)),
    };
}
