using System.Collections.Frozen;
namespace BlazorMood.Music.Recommendation;

/// <summary>What a free-text query asks for; fields are null when the words say nothing about them.</summary>
public sealed record TextMood(double? Valence, double? Arousal, double? Bpm, IReadOnlyList<string> Terms)
{
    public bool IsEmpty => Terms.Count == 0;
}

/// <summary>
/// Maps a mood query ("calm focus music", "upbeat workout", "not too sad") to valence/arousal/tempo with a small
/// hand-made lexicon. Matched words are averaged; "not"/"no"/"less"/"without" mirror the next mood word around the
/// middle. Unknown words are ignored, and the matched terms go into the recommendation's reason.
/// </summary>
public static class TextMoodLexicon
{
    private static readonly FrozenDictionary<string, (double? V, double? A, double? Bpm)> Words = new Dictionary<string, (double? V, double? A, double? Bpm)>(StringComparer.Ordinal)
    {
        ["calm"] = (0.60, 0.15, null),
        ["calming"] = (0.60, 0.15, null),
        ["relax"] = (0.65, 0.15, null),
        ["relaxing"] = (0.65, 0.15, null),
        ["chill"] = (0.65, 0.30, null),
        ["focus"] = (0.55, 0.30, null),
        ["concentrate"] = (0.55, 0.30, null),
        ["study"] = (0.55, 0.30, null),
        ["work"] = (0.55, 0.40, null),
        ["sleep"] = (0.50, 0.05, 55),
        ["sleepy"] = (0.50, 0.08, 58),
        ["ambient"] = (0.55, 0.15, null),
        ["mellow"] = (0.60, 0.30, null),
        ["soft"] = (0.55, 0.20, null),
        ["quiet"] = (0.55, 0.15, null),
        ["slow"] = (null, 0.20, 70),
        ["peaceful"] = (0.70, 0.12, null),
        ["sad"] = (0.15, 0.25, null),
        ["melancholy"] = (0.20, 0.25, null),
        ["melancholic"] = (0.20, 0.25, null),
        ["gloomy"] = (0.15, 0.30, null),
        ["happy"] = (0.85, 0.65, null),
        ["cheerful"] = (0.85, 0.65, null),
        ["joyful"] = (0.90, 0.70, null),
        ["bright"] = (0.80, 0.60, null),
        ["upbeat"] = (0.80, 0.80, 125),
        ["energetic"] = (0.70, 0.90, 135),
        ["energy"] = (0.70, 0.85, 130),
        ["pump"] = (0.65, 0.90, 130),
        ["workout"] = (0.65, 0.90, 130),
        ["gym"] = (0.65, 0.90, 130),
        ["training"] = (0.65, 0.85, 130),
        ["run"] = (0.65, 0.95, 165),
        ["running"] = (0.65, 0.95, 165),
        ["jog"] = (0.65, 0.85, 155),
        ["jogging"] = (0.65, 0.85, 155),
        ["walk"] = (0.65, 0.55, 110),
        ["walking"] = (0.65, 0.55, 110),
        ["cycling"] = (0.60, 0.70, 90),
        ["bike"] = (0.60, 0.70, 90),
        ["party"] = (0.85, 0.85, 125),
        ["dance"] = (0.85, 0.80, 122),
        ["angry"] = (0.15, 0.90, 150),
        ["aggressive"] = (0.15, 0.95, 150),
        ["rage"] = (0.10, 0.95, 155),
        ["intense"] = (0.30, 0.90, 145),
        ["heavy"] = (0.30, 0.85, null),
        ["fast"] = (null, 0.85, 150),
        ["dark"] = (0.20, 0.55, null),
        ["scary"] = (0.15, 0.65, null),
        ["spooky"] = (0.20, 0.60, null),
        ["tense"] = (0.25, 0.70, null),
        ["romantic"] = (0.75, 0.35, null),
        ["dreamy"] = (0.65, 0.20, null),
        ["morning"] = (0.70, 0.55, null),
        ["fun"] = (0.85, 0.70, null),
        ["quirky"] = (0.75, 0.70, null),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Negations = new[] { "not", "no", "less", "without", "never", "dont", "don't" }.ToFrozenSet(StringComparer.Ordinal);

    public static TextMood Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new(null, null, null, []);
        }
        double vSum = 0, aSum = 0, bSum = 0;
        int vN = 0, aN = 0, bN = 0;
        var terms = new List<string>();
        var negate = false;
        // Queries are short (the API caps them); a simple split is enough.
        foreach (var raw in text.ToLowerInvariant().Split([' ', ',', '.', ';', '!', '?', '-', '/', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Negations.Contains(raw))
            {
                negate = true;
                continue;
            }
            if (!Words.TryGetValue(raw, out var w))
            {
                continue;
            }
            terms.Add(negate ? "not " + raw : raw);
            if (w.V is { } v)
            {
                vSum += negate ? 1 - v : v;
                vN++;
            }
            if (w.A is { } a)
            {
                aSum += negate ? 1 - a : a;
                aN++;
            }
            // A negated tempo word ("not fast") says only something about arousal.
            if (w.Bpm is { } b && !negate)
            {
                bSum += b;
                bN++;
            }
            negate = false;
        }
        return new(vN > 0 ? vSum / vN : null, aN > 0 ? aSum / aN : null, bN > 0 ? bSum / bN : null, terms);
    }
}
