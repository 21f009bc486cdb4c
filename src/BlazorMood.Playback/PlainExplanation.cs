using System.Globalization;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;

namespace BlazorMood.Playback;

/// <summary>
/// "Why this track" in words a listener reads without a manual: what was noticed (a look held for some seconds, a
/// typed wish, an activity asked for) and what kind of music answers it, with the track's tempo. Never machine parts
/// (slugs, keys, ages to the millisecond): those stay in the API's reason parts.
/// </summary>
public static class PlainExplanation
{
    /// <summary>Builds the sentence for <paramref name="track"/> as chosen by <paramref name="chosenBy"/>.</summary>
    /// <param name="moodHeldFor">How long the emotion behind the choice had held when the player followed it; null when unknown.</param>
    /// <param name="requestedActivity">The activity whose music the listener asked for; null when none.</param>
    public static string Describe(Recommendation chosenBy, RecommendedTrack track, TimeSpan? moodHeldFor = null, string? requestedActivity = null)
    {
        ArgumentNullException.ThrowIfNull(chosenBy);
        ArgumentNullException.ThrowIfNull(track);
        var context = chosenBy.Context;
        var mood = TargetMood(chosenBy);
        var music = "here is " + (mood is { } m ? $"something {Feel(m)}" : "this track") + Tempo(track) + ".";

        if (chosenBy.Source == RecommendationSource.Pinned)
        {
            return $"An administrator chose the {PlaylistTitle(context.Playlist)} playlist for now, so {music}";
        }
        if (requestedActivity is { Length: > 0 } asked)
        {
            return $"You asked for music for {ActivityWords(asked)}, so {music}";
        }
        switch (chosenBy.Source)
        {
            case RecommendationSource.Text when context.Text is { Length: > 0 } text:
                return $"You asked for \u201c{text}\u201d, so {music}";
            case RecommendationSource.Emotion when context.Emotion is { } emotion:
                var seconds = moodHeldFor is { } held ? (int)Math.Round(held.TotalSeconds) : 0;
                var look = seconds >= 2
                    ? $"You have looked {EmotionWords(emotion)} for the last {seconds} seconds"
                    : $"You look {EmotionWords(emotion)} right now";
                return $"{look}, so {music}";
            case RecommendationSource.Activity when context.Activity is { } activity:
                return $"Your last video showed you {ActivityWords(activity)}, so {music}";
            case RecommendationSource.Time:
                return $"Nothing shows your mood right now, so {music[..^1]} for the {context.Daypart}.";
            default:
                return $"Nothing shows your mood yet, so {music}";
        }
    }

    /// <summary>A playlist's folder name as a title: <c>emotion_happy</c> → "Happy", <c>late_night_mix</c> → "Late night mix".</summary>
    public static string PlaylistTitle(string? playlist)
    {
        if (string.IsNullOrWhiteSpace(playlist))
        {
            return "chosen";
        }
        var name = playlist;
        foreach (var prefix in (string[])["emotion_", "activity_"])
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && name.Length > prefix.Length)
            {
                name = name[prefix.Length..];
                break;
            }
        }
        name = name.Replace('_', ' ').Replace('-', ' ').Trim();
        return name.Length == 0 ? playlist : char.ToUpper(name[0], CultureInfo.InvariantCulture) + name[1..];
    }

    /// <summary>How an emotion label reads after "You look …".</summary>
    public static string EmotionWords(string label) => PlaylistNames.Normalize(label) switch
    {
        "happy" => "happy",
        "sad" => "sad",
        "angry" => "angry",
        "fear" => "worried",
        "surprise" => "surprised",
        "disgust" => "put off",
        "neutral" => "calm",
        var other => other,
    };

    /// <summary>How an activity label reads after "music for …" (a gerund already reads well).</summary>
    public static string ActivityWords(string activity) => PlaylistNames.Normalize(activity).Replace('_', ' ');

    private static Mood? TargetMood(Recommendation r)
    {
        double? v = null, a = null;
        foreach (var part in r.Reason.Parts)
        {
            if (part.Key == "targetValence" && double.TryParse(part.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var pv))
            {
                v = pv;
            }
            else if (part.Key == "targetArousal" && double.TryParse(part.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var pa))
            {
                a = pa;
            }
        }
        if (v is { } tv && a is { } ta)
        {
            return new Mood(tv, ta);
        }
        // The baseline rule plays a playlist: its mood is the playlist's.
        return r.Source switch
        {
            RecommendationSource.Emotion when r.Context.Emotion is { } e => MoodSpace.ForEmotion(e),
            RecommendationSource.Activity when r.Context.Activity is { } act => MoodSpace.ForActivity(act)?.Mood,
            _ when r.Context.Playlist is { } p => MoodSpace.ForPlaylist(p),
            _ => null,
        };
    }

    private static string Feel(Mood m) => (m.Valence, m.Arousal) switch
    {
        ( >= 0.6, >= 0.65) => "bright and upbeat",
        ( <= 0.4, >= 0.65) => "intense",
        (_, >= 0.65) => "energetic",
        ( <= 0.4, <= 0.35) => "gentle",
        (_, <= 0.35) => "calm",
        ( >= 0.62, _) => "warm and cheerful",
        ( <= 0.38, _) => "soft and thoughtful",
        _ => "easy-going",
    };

    private static string Tempo(RecommendedTrack track) =>
        track.Bpm is { } bpm and > 0 ? string.Create(CultureInfo.InvariantCulture, $" at {bpm:0} BPM") : "";
}
