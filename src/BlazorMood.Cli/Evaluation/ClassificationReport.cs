using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace BlazorMood.Cli.Evaluation;

/// <summary>Precision, recall and F1 of one class.</summary>
public sealed record ClassMetrics(string Label, int Support, int Predicted, int Correct, double Precision, double Recall, double F1);

/// <summary>
/// Scores of a single-label classifier over a labelled set, in the form papers report them:
/// accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix (rows: truth, columns: prediction).
/// A sample the pipeline could not classify at all (no face found, unreadable file) is a <em>miss</em>:
/// it counts against accuracy and recall and has its own confusion column, but against no class's precision.
/// </summary>
public sealed class ClassificationReport
{
    public const string MissLabel = "(miss)";

    private ClassificationReport(IReadOnlyList<string> labels, int[,] confusion, int[] misses)
    {
        Labels = labels;
        Confusion = confusion;
        Misses = misses;
        Total = misses.Sum() + Enumerable.Range(0, labels.Count).Sum(t => Enumerable.Range(0, labels.Count).Sum(p => confusion[t, p]));
        var correct = Enumerable.Range(0, labels.Count).Sum(i => confusion[i, i]);
        Accuracy = Total == 0 ? 0 : (double)correct / Total;
        Classes = Enumerable.Range(0, labels.Count).Select(i => MetricsOf(i)).ToArray();
        // Macro-F1 over the classes that occur in the truth, so an absent class does not drag the mean to zero.
        var present = Classes.Where(c => c.Support > 0).ToArray();
        MacroF1 = present.Length == 0 ? 0 : present.Average(c => c.F1);
    }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>[truth, prediction] counts over <see cref="Labels"/>.</summary>
    [JsonIgnore]
    public int[,] Confusion { get; }

    /// <summary>Per true class: samples that got no prediction.</summary>
    public IReadOnlyList<int> Misses { get; }

    public int Total { get; }

    public double Accuracy { get; }

    public double MacroF1 { get; }

    public IReadOnlyList<ClassMetrics> Classes { get; }

    /// <summary>The confusion matrix as rows, for JSON.</summary>
    public int[][] ConfusionRows => Enumerable.Range(0, Labels.Count)
        .Select(t => Enumerable.Range(0, Labels.Count).Select(p => Confusion[t, p]).Append(Misses[t]).ToArray())
        .ToArray();

    /// <summary>Builds the report from (truth, prediction) pairs; a null prediction is a miss.</summary>
    public static ClassificationReport From(IReadOnlyList<string> labels, IEnumerable<(string Truth, string? Predicted)> samples)
    {
        var index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.OrdinalIgnoreCase);
        var confusion = new int[labels.Count, labels.Count];
        var misses = new int[labels.Count];
        foreach (var (truth, predicted) in samples)
        {
            if (!index.TryGetValue(truth, out var t))
            {
                throw new ArgumentException($"Unknown true label '{truth}'. Known: {string.Join(", ", labels)}.", nameof(samples));
            }
            if (predicted is null)
            {
                misses[t]++;
            }
            else if (index.TryGetValue(predicted, out var p))
            {
                confusion[t, p]++;
            }
            else
            {
                throw new ArgumentException($"Unknown predicted label '{predicted}'.", nameof(samples));
            }
        }
        return new ClassificationReport(labels, confusion, misses);
    }

    private ClassMetrics MetricsOf(int c)
    {
        var n = Labels.Count;
        var support = Enumerable.Range(0, n).Sum(p => Confusion[c, p]) + Misses[c];
        var predicted = Enumerable.Range(0, n).Sum(t => Confusion[t, c]);
        var correct = Confusion[c, c];
        var precision = predicted == 0 ? 0 : (double)correct / predicted;
        var recall = support == 0 ? 0 : (double)correct / support;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassMetrics(Labels[c], support, predicted, correct, precision, recall, f1);
    }

    /// <summary>A plain-text table for a terminal.</summary>
    public string ToTable()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"samples: {Total}   accuracy: {Accuracy:P1}   macro-F1: {MacroF1:F3}   misses: {Misses.Sum()}");
        sb.AppendLine();
        sb.AppendLine(inv, $"{"class",-12}{"support",9}{"precision",11}{"recall",9}{"F1",8}");
        foreach (var c in Classes)
        {
            sb.AppendLine(inv, $"{c.Label,-12}{c.Support,9}{c.Precision,11:F3}{c.Recall,9:F3}{c.F1,8:F3}");
        }
        sb.AppendLine();
        var width = Math.Max(8, Labels.Max(l => l.Length) + 2);
        sb.Append("truth \\ predicted".PadRight(14));
        foreach (var l in Labels.Append(MissLabel))
        {
            sb.Append(l.PadLeft(width));
        }
        sb.AppendLine();
        var rows = ConfusionRows;
        for (var t = 0; t < Labels.Count; t++)
        {
            sb.Append(Labels[t].PadRight(14));
            foreach (var v in rows[t])
            {
                sb.Append(v.ToString(inv).PadLeft(width));
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
