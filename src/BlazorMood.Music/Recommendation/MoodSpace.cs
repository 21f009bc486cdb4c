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

    /// <summary>True for the conventional curated playlists (<c>emotion_happy</c>, <c>activity_running</c>) whose name states a mood.</summary>
    public static bool IsCuratedMood(string playlist) =>
        (playlist.StartsWith(PlaylistNames.EmotionPrefix, StringComparison.Ordinal) && ForEmotion(playlist[PlaylistNames.EmotionPrefix.Length..]) is not null)
        || (playlist.StartsWith(PlaylistNames.ActivityPrefix, StringComparison.Ordinal) && ForActivity(playlist[PlaylistNames.ActivityPrefix.Length..]) is not null);

    /// <summary>
    /// A track's mood. Measured valence/arousal (<c>MoodEstimator</c>) place any track, whatever folder it is in; in a
    /// curated mood playlist the folder's mood still counts half, because a person put the track there (the
    /// curation outranks an estimate). Without a measured mood: the playlist prior, with arousal pulled towards
    /// tempo and loudness when those are known (a fast, loud track in a "neutral" list is still energetic).
    /// </summary>
    public static Mood ForTrack(string playlist, TrackFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var prior = ForPlaylist(playlist);
        if (features.Valence is { } mv && features.Arousal is { } ma)
        {
            return IsCuratedMood(playlist)
                ? new((prior.Valence + mv) / 2, (prior.Arousal + ma) / 2)
                : new(mv, ma);
        }
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

    /// <summary>
    /// The region of (valence, arousal, tempo) an emotion or activity asks for, so a library without curated folders
    /// still has music for it: the emotion's or activity's mood, and the activity's typical tempo (emotions name none).
    /// </summary>
    public static (Mood Mood, double? Bpm)? RegionFor(RecommendationSource source, string label) => source switch
    {
        RecommendationSource.Emotion when ForEmotion(label) is { } m => (m, null),
        RecommendationSource.Activity when ForActivity(label) is { } a => (a.Mood, a.Bpm),
        RecommendationSource.Default => (EmotionMoods["neutral"], null),
        _ => null,
    };

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
