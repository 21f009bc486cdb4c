using BlazorMood.Cli.Evaluation;

namespace BlazorMood.Cli.Tests;

public sealed class ClassificationReportTests
{
    private static readonly string[] Labels = ["a", "b", "c"];

    [Fact]
    public void Computes_accuracy_precision_recall_f1_and_counts_misses_against_recall_only()
    {
        // truth a: 3 samples (2 right, 1 called b); truth b: 2 samples (1 right, 1 miss); truth c: none.
        var report = ClassificationReport.From(Labels, [("a", "a"), ("a", "a"), ("a", "b"), ("b", "b"), ("b", null)]);

        Assert.Equal(5, report.Total);
        Assert.Equal(3.0 / 5, report.Accuracy, 6);
        var a = report.Classes[0];
        Assert.Equal((3, 2, 2), (a.Support, a.Predicted, a.Correct));
        Assert.Equal(1.0, a.Precision, 6);
        Assert.Equal(2.0 / 3, a.Recall, 6);
        var b = report.Classes[1];
        Assert.Equal(0.5, b.Precision, 6);
        Assert.Equal(0.5, b.Recall, 6);
        Assert.Equal(0.5, b.F1, 6);
        // Macro-F1 over classes present in the truth (a and b), not c.
        Assert.Equal((0.8 + 0.5) / 2, report.MacroF1, 6);
        Assert.Equal([0, 1, 0], report.Misses);
        Assert.Equal([2, 1, 0, 0], report.ConfusionRows[0]);
        Assert.Equal([0, 1, 0, 1], report.ConfusionRows[1]);
    }

    [Fact]
    public void Labels_are_matched_case_insensitively_and_unknown_ones_are_refused()
    {
        var report = ClassificationReport.From(Labels, [("A", "a")]);
        Assert.Equal(1.0, report.Accuracy);

        Assert.Throws<ArgumentException>(() => ClassificationReport.From(Labels, [("zzz", "a")]));
        Assert.Throws<ArgumentException>(() => ClassificationReport.From(Labels, [("a", "zzz")]));
    }

    [Fact]
    public void The_table_shows_every_class_and_the_miss_column()
    {
        var table = ClassificationReport.From(Labels, [("a", "a"), ("c", null)]).ToTable();

        Assert.Contains("accuracy: 50.0", table, StringComparison.Ordinal);
        Assert.Contains(ClassificationReport.MissLabel, table, StringComparison.Ordinal);
        foreach (var l in Labels)
        {
            Assert.Contains(l, table, StringComparison.Ordinal);
        }
    }
}
