using System.Globalization;
using BlazorMood.Music.Context;
using BlazorMood.Music.Library;

namespace BlazorMood.Music.Recommendation;

/// <summary>The outcome of the original system's rule.</summary>
public sealed record BaselineDecision(string Playlist, RecommendationSource Source, RecommendationReason Reason);

/// <summary>
/// The original rule, exactly: an emotion seen within the last <c>window</c> (5 s) selects that emotion's playlist;
/// else the last detected activity selects its playlist; else <c>emotion_neutral</c>.
/// </summary>
/// <remarks>
/// The window is INCLUSIVE: an emotion observed exactly 5.000 s ago still counts, 5.001 s ago does not. An observation
/// stamped in the future (clock skew between producers) counts as age 0. Only the latest emotion is considered (an
/// older one cannot be fresher). The activity has no age limit, as in the original. A label without a playlist in
/// the library (an unknown emotion, an activity such as "dancing") falls through to the next branch; the reason
/// says so.
/// </remarks>
public static class BaselineRule
{
    public static BaselineDecision Decide(ListeningContext context, DateTimeOffset now, TimeSpan window, Func<string, bool> playlistExists)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(playlistExists);
        var parts = new List<ReasonPart> { new("mode", "baseline") };
        var skipped = new List<string>();

        if (context.LastEmotion is { } emotion)
        {
            var age = now - emotion.At;
            if (age < TimeSpan.Zero)
            {
                age = TimeSpan.Zero;
            }
            var label = PlaylistNames.Normalize(emotion.Label);
            var ageText = age.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            if (age <= window)
            {
                var playlist = PlaylistNames.ForEmotion(label);
                if (PlaylistNames.IsKnownEmotion(label) && playlistExists(playlist))
                {
                    parts.Add(new("rule", "emotion-within-window"));
                    parts.Add(new("emotion", label));
                    parts.Add(new("emotionAgeSeconds", ageText));
                    parts.Add(new("playlist", playlist));
                    return new(playlist, RecommendationSource.Emotion, new(parts,
                        $"You looked {label} {ageText} s ago (within {window.TotalSeconds:0.#} s), so this is the {playlist} playlist."));
                }
                parts.Add(new("emotionIgnored", $"no-playlist:{label}"));
                skipped.Add($"there is no playlist for the emotion '{label}'");
            }
            else
            {
                parts.Add(new("emotionIgnored", $"stale:{ageText}s"));
                skipped.Add($"the last emotion ({label}) was {ageText} s ago, older than {window.TotalSeconds:0.#} s");
            }
        }

        if (context.LastActivity is { } activity)
        {
            var name = PlaylistNames.Normalize(activity.Activity);
            var playlist = PlaylistNames.ForActivity(name);
            if (playlistExists(playlist))
            {
                parts.Add(new("rule", "last-activity"));
                parts.Add(new("activity", name));
                parts.Add(new("playlist", playlist));
                return new(playlist, RecommendationSource.Activity, new(parts, Sentence(
                    $"{Because(skipped)}your last detected activity was {name}, so this is the {playlist} playlist.")));
            }
            parts.Add(new("activityIgnored", $"no-playlist:{name}"));
            skipped.Add($"there is no playlist for the activity '{name}'");
        }
        else
        {
            skipped.Add("no activity has been detected");
        }

        parts.Add(new("rule", "default"));
        parts.Add(new("playlist", PlaylistNames.Neutral));
        return new(PlaylistNames.Neutral, RecommendationSource.Default, new(parts, Sentence(
            $"{Because(skipped)}this is the default {PlaylistNames.Neutral} playlist.")));
    }

    private static string Sentence(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Because(List<string> skipped) =>
        skipped.Count == 0 ? "" : "Because " + string.Join(" and ", skipped) + ", ";
}
