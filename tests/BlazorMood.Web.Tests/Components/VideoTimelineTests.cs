using System.Globalization;
using Bunit;
using BlazorMood.Web.Components.Pages.Home.Video;
using BlazorMood.Web.Videos;
using MudBlazor;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Components;

/// <summary>The activity timeline chart: stretches and their shares, order, segment titles, legend and axis.</summary>
public sealed class VideoTimelineTests : MudComponentTest
{
    private IRenderedComponent<ActivityTimeline> Render(IReadOnlyList<VideoSegmentDto> segments, double? duration) =>
        Context.Render<ActivityTimeline>(p => p.Add(c => c.Segments, segments).Add(c => c.DurationSeconds, duration));

    private static double Number(AngleSharp.Dom.IElement e, string attribute) =>
        double.Parse(e.GetAttribute(attribute)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Segment_widths_are_proportional_to_their_durations_in_time_order()
    {
        // Given out of order: the chart sorts by start.
        var cut = Render(
        [
            new(3, 6, "standing", 0.7, null),
            new(0, 2, "walking", 0.82, 111.6),
            new(2, 3, "running", 0.55, 168),
        ], 6);

        var blocks = cut.FindAll("[data-testid=timeline-segment]");

        Assert.Equal(["walking", "running", "standing"], blocks.Select(b => b.GetAttribute("data-activity")));
        Assert.Equal([100 * 2 / 6.0, 100 * 1 / 6.0, 100 * 3 / 6.0], blocks.Select(b => Number(b, "data-width")), new Tolerance(0.001));
        // The chart: 6 s in quarter-second stretches, a series per activity (longest first), each stretch's share in percent.
        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(ChartType.StackedBar, chart.ChartType);
        Assert.Equal(24, chart.ChartLabels.Length);
        var series = chart.ChartSeries.ToArray();
        Assert.Equal(["Standing", "Walking", "Running"], series.Select(s => s.Name));
        Assert.All(series[1].Data.Values.Take(8), v => Assert.Equal(100, v));
        Assert.All(series[1].Data.Values.Skip(8), v => Assert.Equal(0, v));
        Assert.All(series[2].Data.Values.Skip(8).Take(4), v => Assert.Equal(100, v));
        Assert.All(series[0].Data.Values.Skip(12), v => Assert.Equal(100, v));
        // Every stretch is covered once: the stacks are all 100 %.
        Assert.All(Enumerable.Range(0, 24), i => Assert.Equal(100, series.Sum(s => s.Data.Values[i])));
        // Distinct activities get distinct colours, in series order.
        var palette = Assert.IsType<StackedBarChartOptions>(chart.ChartOptions).ChartPalette;
        Assert.Equal([VideoDisplay.ActivityColour("standing"), VideoDisplay.ActivityColour("walking"), VideoDisplay.ActivityColour("running")], palette);
        Assert.Equal(3, palette.Distinct().Count());
    }

    [Fact]
    public void A_stretch_split_between_activities_shows_each_ones_share()
    {
        // 12 s in half-second stretches: the stretch 1.0–1.5 is 40 % walking, 60 % running.
        var cut = Render([new(0, 1.2, "walking", 0.8, null), new(1.2, 12, "running", 0.8, null)], 12);

        var series = cut.FindComponent<MudChart<double>>().Instance.ChartSeries.ToArray();

        Assert.Equal(0.5, double.Parse(cut.Find("[data-testid=timeline-track]").GetAttribute("data-bin")!, CultureInfo.InvariantCulture));
        Assert.Equal(["Running", "Walking"], series.Select(s => s.Name));
        Assert.Equal(40, series[1].Data.Values[2], 3);
        Assert.Equal(60, series[0].Data.Values[2], 3);
        Assert.Equal(100, series[1].Data.Values[1]);
        Assert.Equal(0, series[1].Data.Values[3]);
    }

    [Fact]
    public void Segment_titles_say_start_end_activity_confidence_and_cadence()
    {
        var cut = Render([new(0, 2, "walking", 0.82, 111.6), new(2, 2.25, "running", 0.55, null), new(2.25, 62.5, "standing", 0.7, null)], null);

        var blocks = cut.FindAll("[data-testid=timeline-segment]");

        Assert.Equal("0:00.0–0:02.0 · Walking · 82% confidence · 112 steps/min", blocks[0].GetAttribute("title"));
        Assert.Equal("0:02.0–0:02.3 · Running · 55% confidence", blocks[1].GetAttribute("title"));
        Assert.Equal("0:02.3–1:02.5 · Standing · 70% confidence", blocks[2].GetAttribute("title"));
        // The list says the same in words.
        Assert.Contains("0:02.3–1:02.5 · Standing · 70% confidence", blocks[2].TextContent, StringComparison.Ordinal);
        // Without a clip duration the chart ends with the last segment.
        Assert.Equal("62.5", cut.Find("[data-testid=activity-timeline]").GetAttribute("data-duration"));
    }

    [Fact]
    public void Legend_totals_each_activity_longest_first_and_the_axis_spans_the_clip()
    {
        var cut = Render([new(0, 1, "standing", 0.9, null), new(1, 4, "walking", 0.8, 100), new(4, 5, "standing", 0.9, null)], 10);

        var legend = cut.FindAll("[data-testid=timeline-legend-item]");
        Assert.Equal(["walking", "standing"], legend.Select(l => l.GetAttribute("data-activity")));
        Assert.Contains("3 s · 30%", legend[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2 s · 20%", legend[1].TextContent, StringComparison.Ordinal);
        // Time after the last segment stays empty (nobody analysed there): the bar is the clip's length, not the segments'.
        Assert.Equal(50.0, cut.FindAll("[data-testid=timeline-segment]").Sum(b => Number(b, "data-width")), 3);
        // 10 s in quarter-second stretches; the axis names the stretches starting at each 2 s mark.
        var labels = cut.FindComponent<MudChart<double>>().Instance.ChartLabels;
        Assert.Equal(40, labels.Length);
        Assert.Equal(["0:00.0", "0:02.0", "0:04.0", "0:06.0", "0:08.0"], labels.Where(l => l.Length > 0));
        Assert.Equal("0:08.0", labels[32]);
        // Nothing is drawn where nobody was analysed.
        Assert.All(Enumerable.Range(20, 20), i => Assert.Equal(0, cut.FindComponent<MudChart<double>>().Instance.ChartSeries.Sum(s => s.Data.Values[i])));
        Assert.Contains("Walking 3 s", cut.Find("[data-testid=timeline-track]").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal("img", cut.Find("[data-testid=timeline-track]").GetAttribute("role"));
    }

    [Fact]
    public void Segments_past_the_clip_are_clipped_and_an_empty_timeline_says_so()
    {
        var clipped = Render([new(0, 4, "lying", 0.9, null), new(3, 8, "lying", 0.6, null), new(9, 9, "sitting", 0.9, null)], 5);

        var widths = clipped.FindAll("[data-testid=timeline-segment]").Select(b => Number(b, "data-width")).ToArray();
        Assert.Equal([80.0, 40.0], widths, new Tolerance(0.001));

        var empty = Render([], 5);
        Assert.Empty(empty.FindAll("[data-testid=timeline-segment]"));
        Assert.Empty(empty.FindComponents<MudChart<double>>());
        Assert.Contains("No timeline", empty.Find("[data-testid=timeline-empty]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, new[] { 0.0, 0.5, 1, 1.5, 2, 2.5, 3 })]
    [InlineData(3.2, new[] { 0.0, 1, 2, 3.2 })]
    [InlineData(299, new[] { 0.0, 60, 120, 180, 240, 299 })]
    public void Axis_ticks_use_a_round_step_and_end_at_the_clip_end(double total, double[] expected)
    {
        Assert.Equal(expected, ActivityTimeline.Ticks(total));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
