using System.Globalization;
using System.Text;
using BlazorMood.Cli.Evaluation;
using BlazorMood.Vision;

namespace BlazorMood.Cli.Emotion;

/// <summary>One predictor's scores on a set of faces: the classification report plus calibration.</summary>
public sealed record EmotionScore(string Name, ClassificationReport Report, double Ece, double MeanConfidence)
{
    public static EmotionScore Of(string name, IReadOnlyList<EmotionFeatureRow> rows, Func<EmotionFeatureRow, float[]> predict)
    {
        var pairs = new List<(string, string?)>(rows.Count);
        var calibration = new List<(float, bool)>(rows.Count);
        foreach (var r in rows)
        {
            var p = predict(r);
            var best = 0;
            for (var c = 1; c < p.Length; c++)
            {
                best = p[c] > p[best] ? c : best;
            }
            pairs.Add((r.Label, EmotionLabels.All[best]));
            calibration.Add((p[best], best == r.LabelIndex));
        }
        var report = ClassificationReport.From(EmotionLabels.All, pairs);
        return new EmotionScore(name, report, Calibration.ExpectedCalibrationError(calibration), calibration.Count == 0 ? 0 : calibration.Average(c => c.Item1));
    }

    /// <summary>One markdown row: name, n, accuracy, macro-F1, ECE, then recall per class.</summary>
    public string ToRow()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"| {Name} | {Report.Total} | {Report.Accuracy * 100:F1} | {Report.MacroF1 * 100:F1} | {Ece * 100:F1} |");
        foreach (var c in Report.Classes)
        {
            sb.Append(c.Support == 0 ? " – |" : string.Create(CultureInfo.InvariantCulture, $" {c.Recall * 100:F0} |"));
        }
        return sb.ToString();
    }

    public static string Header() =>
        "| predictor | n | accuracy % | macro-F1 % | ECE % | " + string.Join(" | ", EmotionLabels.All.Select(l => l + " recall")) + " |\n" +
        "|---|---:|---:|---:|---:|" + string.Concat(Enumerable.Repeat("---:|", EmotionLabels.All.Count));

    /// <summary>The confusion matrix as markdown (rows: truth, columns: prediction).</summary>
    public string ConfusionTable()
    {
        var sb = new StringBuilder();
        sb.Append("| truth \\ predicted | ").Append(string.Join(" | ", EmotionLabels.All)).Append(" |\n|---|");
        sb.Append(string.Concat(Enumerable.Repeat("---:|", EmotionLabels.All.Count))).Append('\n');
        for (var t = 0; t < EmotionLabels.All.Count; t++)
        {
            sb.Append("| ").Append(EmotionLabels.All[t]).Append(" |");
            for (var p = 0; p < EmotionLabels.All.Count; p++)
            {
                sb.Append(' ').Append(Report.Confusion[t, p].ToString(CultureInfo.InvariantCulture)).Append(" |");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
