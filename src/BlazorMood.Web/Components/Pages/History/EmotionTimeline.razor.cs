using System.Globalization;
using BlazorMood.Web.Components.Pages.Home.Live;
using BlazorMood.Web.History;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace BlazorMood.Web.Components.Pages.History;

/// <summary>
/// Recorded emotion events of [<see cref="From"/>, <see cref="To"/>] counted per emotion in equal stretches of time
/// (an hour for a day, six hours for a week, a day for a month), drawn as a stacked bar chart.
/// </summary>
public sealed partial class EmotionTimeline
{
    // Stretch lengths tried in order; the first giving at most MaxBuckets bars is used.
    private static readonly TimeSpan[] BucketSizes =
        [TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
         TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(7)];

    public const int MaxBuckets = 32;

    // More x labels than this crowd each other on a phone; the others stay empty (the tooltip still names the stretch).
    public const int MaxAxisLabels = 5;

    private EmotionChart _chart = EmotionChart.Empty;
    private StackedBarChartOptions _options = new();

    [Parameter, EditorRequired]
    public IReadOnlyList<EmotionPoint> Points { get; set; } = [];

    [Parameter, EditorRequired]
    public DateTimeOffset From { get; set; }

    [Parameter, EditorRequired]
    public DateTimeOffset To { get; set; }

    /// <summary>Events in the period, when more than <see cref="Points"/> were loaded.</summary>
    [Parameter]
    public int Total { get; set; }

    /// <summary>What the chart draws: one series per emotion seen (in the app's emotion order), a count per stretch.</summary>
    /// <param name="Emotions">The emotion of each series, in series order.</param>
    /// <param name="Labels">One x label per stretch (empty where it would crowd the axis).</param>
    /// <param name="Starts">Where each stretch starts.</param>
    public sealed record EmotionChart(IReadOnlyList<string> Emotions, List<ChartSeries<double>> Series, string[] Labels,
        IReadOnlyList<DateTimeOffset> Starts, TimeSpan Bucket, string BucketText)
    {
        public static readonly EmotionChart Empty = new([], [], [], [], TimeSpan.FromHours(1), "hour");
    }

    protected override void OnParametersSet()
    {
        _chart = Build(Points, From, To);
        _options = new StackedBarChartOptions
        {
            ShowLegend = false,
            ChartPalette = [.. _chart.Emotions.Select(EmotionDisplay.Color)],
            YAxisTitle = "events",
            YAxisTicks = (int)ChartAxis.Step(Tallest(_chart)),
            YAxisFormat = "0",
        };
    }

    // Label spacings tried in order; the first giving at most MaxAxisLabels labels is used.
    private static readonly TimeSpan[] LabelSteps =
        [TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
         TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(4), TimeSpan.FromDays(7)];

    /// <summary>
    /// Counts the events of each emotion in each stretch of the period; stretches start on round times (whole hours,
    /// midnight UTC…), and events outside the period count at its edges.
    /// </summary>
    public static EmotionChart Build(IReadOnlyList<EmotionPoint> points, DateTimeOffset from, DateTimeOffset to)
    {
        if (points.Count == 0)
        {
            return EmotionChart.Empty;
        }
        var span = to > from ? to - from : TimeSpan.FromHours(1);
        var bucket = BucketSizes.FirstOrDefault(b => span / b <= MaxBuckets, BucketSizes[^1]);
        var first = Floor(from, bucket);
        var count = Math.Max(1, (int)Math.Ceiling((from + span - first) / bucket));
        var emotions = EmotionDisplay.Labels.Where(l => points.Any(p => p.Label == l))
            .Concat(points.Select(p => p.Label).Where(l => !EmotionDisplay.Labels.Contains(l)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            .ToList();
        var counts = emotions.ToDictionary(e => e, _ => new double[count], StringComparer.Ordinal);
        foreach (var p in points)
        {
            var index = Math.Clamp((int)Math.Floor((p.At - first) / bucket), 0, count - 1);
            counts[p.Label][index]++;
        }
        var starts = Enumerable.Range(0, count).Select(i => first + (bucket * i)).ToArray();
        var labelStep = LabelSteps.FirstOrDefault(l => l >= bucket && span / l <= MaxAxisLabels, LabelSteps[^1]);
        var labels = starts.Select(s => Floor(s, labelStep) == s ? LabelOf(s, bucket) : "").ToArray();
        var series = emotions.Select(e => new ChartSeries<double> { Name = EmotionDisplay.Title(e), Data = counts[e] }).ToList();
        return new EmotionChart(emotions, series, labels, starts, bucket, BucketText(bucket));
    }

    /// <summary>The tallest stack: the value axis is scaled to it.</summary>
    public static double Tallest(EmotionChart chart) =>
        chart.Starts.Count == 0 ? 0 : Enumerable.Range(0, chart.Starts.Count).Max(i => chart.Series.Sum(s => s.Data.Values[i]));

    /// <summary>The start of the round stretch of <paramref name="size"/> holding <paramref name="at"/> (counted from the Unix epoch, UTC).</summary>
    private static DateTimeOffset Floor(DateTimeOffset at, TimeSpan size) =>
        DateTimeOffset.UnixEpoch + (size * Math.Floor((at - DateTimeOffset.UnixEpoch) / size));

    private static string LabelOf(DateTimeOffset start, TimeSpan bucket) =>
        bucket >= TimeSpan.FromHours(3) && start.UtcDateTime.TimeOfDay == TimeSpan.Zero
            ? start.UtcDateTime.ToString("MMM d", CultureInfo.InvariantCulture)
            : start.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string BucketText(TimeSpan bucket) => bucket switch
    {
        { TotalDays: 7 } => "week",
        { TotalDays: 1 } => "day",
        { TotalHours: 1 } => "hour",
        { TotalHours: >= 1 } b => $"{b.TotalHours:0} hours",
        var b => $"{b.TotalMinutes:0} minutes",
    };

    private string AriaLabel =>
        $"Stacked bar chart: {Points.Count} emotion events from {From.UtcDateTime:yyyy-MM-dd HH:mm} to {To.UtcDateTime:yyyy-MM-dd HH:mm} UTC, per {_chart.BucketText}. "
        + string.Join(", ", Shares.Select(s => $"{EmotionDisplay.Title(s.Label)} {Percent(s.Count)}"));

    /// <summary>Events per emotion, most frequent first (emotions never seen left out).</summary>
    private IEnumerable<(string Label, int Count)> Shares => Points
        .GroupBy(p => p.Label)
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(s => s.Item2).ThenBy(s => s.Key, StringComparer.Ordinal);

    private string Percent(int count) => Points.Count == 0 ? "0%" : $"{Math.Round(100.0 * count / Points.Count):0}%";
}
