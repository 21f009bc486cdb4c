using BlazorMood.Vision;

namespace BlazorMood.Cli.Emotion;

/// <summary>
/// Held-out checks of the fusion: leave-one-source-out (train on the other sources, test on this one) and grouped
/// k-fold (a CK+ subject never on both sides). Each face is predicted by a fusion that never saw it.
/// </summary>
public static class FusionValidation
{
    public static float[] Human(EmotionFeatureRow r) => r.Human;

    public static float[] FaceApi(EmotionFeatureRow r) => r.FaceApi;

    /// <summary>The untrained baseline: the mean of the two models' probabilities.</summary>
    public static float[] Average(EmotionFeatureRow r) => r.Human.Zip(r.FaceApi, (a, b) => (a + b) / 2).ToArray();

    public static Func<EmotionFeatureRow, float[]> Using(EmotionFusionModel model) => r =>
    {
        var p = new float[EmotionLabels.All.Count];
        model.Apply(r.Features(), p);
        return p;
    };

    /// <summary>Predictions for every row by a fusion trained without the row's source.</summary>
    public static Dictionary<EmotionFeatureRow, float[]> LeaveOneSourceOut(IReadOnlyList<EmotionFeatureRow> rows, FusionSettings settings)
    {
        var result = new Dictionary<EmotionFeatureRow, float[]>(ReferenceEqualityComparer.Instance);
        foreach (var source in rows.Select(r => r.Source).Distinct().Order(StringComparer.Ordinal))
        {
            var train = rows.Where(r => r.Source != source).ToList();
            if (train.Count == 0)
            {
                continue;
            }
            var predict = Using(FusionTrainer.Train(train, settings));
            foreach (var r in rows.Where(r => r.Source == source))
            {
                result[r] = predict(r);
            }
        }
        return result;
    }

    /// <summary>Predictions for every row by a fusion trained on the other <paramref name="folds"/> − 1 folds (folds by group).</summary>
    public static Dictionary<EmotionFeatureRow, float[]> GroupedKFold(IReadOnlyList<EmotionFeatureRow> rows, FusionSettings settings, int folds = 5)
    {
        var result = new Dictionary<EmotionFeatureRow, float[]>(ReferenceEqualityComparer.Instance);
        for (var k = 0; k < folds; k++)
        {
            var train = rows.Where(r => FoldOf(r, folds) != k).ToList();
            var predict = Using(FusionTrainer.Train(train, settings));
            foreach (var r in rows.Where(r => FoldOf(r, folds) == k))
            {
                result[r] = predict(r);
            }
        }
        return result;
    }

    /// <summary>A stable fold from the source and group (FNV-1a), the same on every machine and run.</summary>
    public static int FoldOf(EmotionFeatureRow row, int folds)
    {
        var h = 2166136261u;
        foreach (var ch in row.Source + "/" + row.Group)
        {
            h = (h ^ ch) * 16777619u;
        }
        return (int)(h % (uint)folds);
    }
}
