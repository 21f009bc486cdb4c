using System.Globalization;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Components.Pages.Home.Video;

/// <summary>
/// The activity timeline of a clip: the clip cut into equal stretches, each a stacked bar of the share of it each
/// activity covers (a MudBlazor chart), a legend with each activity's total time, and the segments themselves as a
/// list (start–end, activity, confidence, cadence).
/// </summary>
public sealed partial class ActivityTimeline
{
    // Candidate axis steps in seconds; the smallest giving at most MaxTicks intervals is used.
    private static readonly double[] TickSteps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
    private const int MaxTicks = 6;

    // Stretch lengths in seconds; the smallest giving at most MaxBins bars is used.
    private static readonly double[] BinSteps = [0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
    internal const int MaxBins = 40;

    private IReadOnlyList<TimelineBlock> _blocks = [];
    private ActivityChart _chart = ActivityChart.Empty;
    private StackedBarChartOptions _options = new();
    private IReadOnlyList<LegendEntry> _legend = [];
    private IReadOnlyList<double> _ticks = [];
    private double _total;

    /// <summary>The clip's segments (any order; overlapping or out-of-range parts are clipped to the clip).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<VideoSegmentDto> Segments { get; set; } = [];

    /// <summary>The clip's length; without it the timeline ends where the last segment does.</summary>
    [Parameter]
    public double? DurationSeconds { get; set; }

    internal sealed record TimelineBlock(VideoSegmentDto Segment, double LeftPercent, double WidthPercent, string Title);

    internal sealed record LegendEntry(string Activity, double Seconds, double Share);

    /// <summary>What the chart draws: a series per activity (legend order), its percent of each stretch of <see cref="Bin"/> seconds.</summary>
    internal sealed record ActivityChart(IReadOnlyList<string> Activities, List<ChartSeries<double>> Series, string[] Labels, double Bin)
    {
        public static readonly ActivityChart Empty = new([], [], [], 1);
    }

    protected override void OnParametersSet()
    {
        var segments = Segments.Where(s => double.IsFinite(s.Start) && double.IsFinite(s.End) && s.End > s.Start)
            .OrderBy(s => s.Start).ToArray();
        var lastEnd = segments.Length > 0 ? segments.Max(s => s.End) : 0;
        _total = DurationSeconds is { } d && double.IsFinite(d) && d > 0 ? d : lastEnd;
        if (_total <= 0 || segments.Length == 0)
        {
            _blocks = [];
            _legend = [];
            _ticks = [];
            _chart = ActivityChart.Empty;
            return;
        }
        var blocks = new List<TimelineBlock>(segments.Length);
        foreach (var s in segments)
        {
            var start = Math.Clamp(s.Start, 0, _total);
            var end = Math.Clamp(s.End, 0, _total);
            if (end <= start)
            {
                continue;
            }
            blocks.Add(new TimelineBlock(s, start / _total * 100, (end - start) / _total * 100, TitleOf(s)));
        }
        _blocks = blocks;
        _legend = blocks.GroupBy(b => b.Segment.Activity, StringComparer.OrdinalIgnoreCase)
            .Select(g => new LegendEntry(g.Key, g.Sum(b => b.WidthPercent) / 100 * _total, g.Sum(b => b.WidthPercent) / 100))
            .OrderByDescending(e => e.Seconds)
            .ToArray();
        _ticks = Ticks(_total);
        _chart = Chart(_blocks, _legend.Select(l => l.Activity).ToList(), _total, _ticks);
        _options = new StackedBarChartOptions
        {
            ShowLegend = false,
            ChartPalette = [.. _chart.Activities.Select(VideoDisplay.ActivityColour)],
            YAxisTitle = "% of the stretch",
            YAxisSuggestedMax = 100,
            YAxisTicks = 25,
            YAxisFormat = "0",
            SeriesSpacingRatio = 0.1,
        };
    }

    /// <summary>
    /// Cuts [0, <paramref name="total"/>] into equal stretches and gives each activity its percent of every stretch (a
    /// shorter last stretch counts against its own length). Labels sit on the first stretch at or after each axis tick.
    /// </summary>
    internal static ActivityChart Chart(IReadOnlyList<TimelineBlock> blocks, IReadOnlyList<string> activities, double total, IReadOnlyList<double> ticks)
    {
        var bin = BinSteps.FirstOrDefault(s => total / s <= MaxBins, BinSteps[^1]);
        var count = Math.Max(1, (int)Math.Ceiling((total / bin) - 1e-9));
        var shares = activities.ToDictionary(a => a, _ => new double[count], StringComparer.OrdinalIgnoreCase);
        foreach (var block in blocks)
        {
            var start = Math.Clamp(block.Segment.Start, 0, total);
            var end = Math.Clamp(block.Segment.End, 0, total);
            for (var i = Math.Max(0, (int)Math.Floor(start / bin)); i < count && i * bin < end; i++)
            {
                var binStart = i * bin;
                var binEnd = Math.Min((i + 1) * bin, total);
                var overlap = Math.Min(end, binEnd) - Math.Max(start, binStart);
                if (overlap > 0 && binEnd > binStart)
                {
                    shares[block.Segment.Activity][i] += 100 * overlap / (binEnd - binStart);
                }
            }
        }
        var tickStep = ticks.Count > 1 ? ticks[1] - ticks[0] : total;
        var labels = new string[count];
        for (var i = 0; i < count; i++)
        {
            var labelled = i == 0 || Math.Floor((i * bin / tickStep) + 1e-9) > Math.Floor(((i - 1) * bin / tickStep) + 1e-9);
            labels[i] = labelled ? VideoDisplay.ClipTime(i * bin) : "";
        }
        var series = activities.Select(a => new ChartSeries<double>
        {
            Name = VideoDisplay.ActivityName(a),
            Data = shares[a].Select(v => Math.Round(Math.Min(v, 100), 1)).ToArray(),
        }).ToList();
        return new ActivityChart(activities, series, labels, bin);
    }

    /// <summary>What a block's hover title says: "0:02.5–0:05.0 · Walking · 82% confidence · 112 steps/min".</summary>
    internal static string TitleOf(VideoSegmentDto s)
    {
        var title = $"{VideoDisplay.ClipTime(s.Start)}–{VideoDisplay.ClipTime(s.End)} · {VideoDisplay.ActivityName(s.Activity)} · "
            + $"{VideoDisplay.Percent(s.Confidence)} confidence";
        return VideoDisplay.Cadence(s.CadenceSpm) is { Length: > 0 } cadence ? title + " · " + cadence : title;
    }

    /// <summary>Axis marks from 0 to the end: at most <see cref="MaxTicks"/> intervals of a round step.</summary>
    internal static IReadOnlyList<double> Ticks(double total)
    {
        var step = TickSteps.FirstOrDefault(s => total / s <= MaxTicks, TickSteps[^1]);
        var ticks = new List<double>();
        for (var t = 0.0; t < total - step * 0.25; t += step)
        {
            ticks.Add(t);
        }
        ticks.Add(total);
        return ticks;
    }

    private string Summary => "Activity timeline: " + string.Join(", ",
        _legend.Select(e => string.Create(CultureInfo.InvariantCulture, $"{VideoDisplay.ActivityName(e.Activity)} {e.Seconds:0.#} s")));
}
