using System.Globalization;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.Components;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Components.Pages.Home.Video;

/// <summary>
/// The activity timeline of a clip: one horizontal bar with a coloured block per segment, its width proportional to the
/// segment's time, a time axis, a hover title per block (start–end, activity, confidence, cadence) and a legend with
/// each activity's total time.
/// </summary>
public sealed partial class ActivityTimeline
{
    // Candidate axis steps in seconds; the smallest giving at most MaxTicks intervals is used.
    private static readonly double[] TickSteps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];
    private const int MaxTicks = 6;

    // Blocks narrower than this (percent of the bar) carry no text label; the hover title still names them.
    private const double LabelMinPercent = 12;

    private IReadOnlyList<TimelineBlock> _blocks = [];
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
