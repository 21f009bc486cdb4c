namespace BlazorMood.Vision;

/// <summary>The seven FER-2013 classes, in the emotion model's output order.</summary>
public enum Emotion
{
    Angry = 0,
    Disgust = 1,
    Fear = 2,
    Happy = 3,
    Sad = 4,
    Surprise = 5,
    Neutral = 6,
}

/// <summary>Lower-case names used in JSON and logs ("angry" … "neutral"), in model output order.</summary>
public static class EmotionLabels
{
    public static IReadOnlyList<string> All { get; } = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    public static string Name(this Emotion emotion) => All[(int)emotion];

    /// <summary>Position of a lower-case label in <see cref="All"/>; −1 when it is not one of the seven.</summary>
    public static int IndexOf(string label)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], label, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>The emotion model's answer for one face.</summary>
/// <param name="Emotion">The most probable class.</param>
/// <param name="Confidence">Its probability.</param>
/// <param name="Probabilities">All seven probabilities keyed by lower-case label, in model order; they sum to 1.</param>
public sealed record EmotionPrediction(Emotion Emotion, float Confidence, IReadOnlyDictionary<string, float> Probabilities)
{
    /// <summary>Lower-case label of <see cref="Emotion"/>.</summary>
    public string Label => Emotion.Name();

    public float this[Emotion emotion] => Probabilities[emotion.Name()];

    internal static EmotionPrediction FromProbabilities(ReadOnlySpan<float> p)
    {
        var dict = new Dictionary<string, float>(EmotionLabels.All.Count);
        var best = 0;
        for (var i = 0; i < EmotionLabels.All.Count; i++)
        {
            dict[EmotionLabels.All[i]] = p[i];
            if (p[i] > p[best])
            {
                best = i;
            }
        }
        return new EmotionPrediction((Emotion)best, p[best], dict);
    }
}
