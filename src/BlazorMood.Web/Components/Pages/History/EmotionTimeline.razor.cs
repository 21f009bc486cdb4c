using System.Globalization;
using BlazorMood.Web.Components.Pages.Home.Live;
using BlazorMood.Web.History;
using Microsoft.AspNetCore.Components;

namespace BlazorMood.Web.Components.Pages.History;

/// <summary>Draws recorded emotion events of [<see cref="From"/>, <see cref="To"/>] as dots on one lane per emotion.</summary>
public sealed partial class EmotionTimeline
{
    public const int Width = 1000;
    public const int PlotLeft = 130;
    public const int PlotRight = Width - 30;
    private const int Top = 12;
    private const int LaneHeight = 30;
    private const int TickCount = 6;

    private static int AxisY => Top + (EmotionDisplay.Labels.Count * LaneHeight);

    private static int Height => AxisY + 26;

    [Parameter, EditorRequired]
    public IReadOnlyList<EmotionPoint> Points { get; set; } = [];

    [Parameter, EditorRequired]
    public DateTimeOffset From { get; set; }

    [Parameter, EditorRequired]
    public DateTimeOffset To { get; set; }

    /// <summary>Events in the period, when more than <see cref="Points"/> were loaded.</summary>
    [Parameter]
    public int Total { get; set; }

    private string AriaLabel => $"{Points.Count} emotion events from {From.UtcDateTime:yyyy-MM-dd HH:mm} to {To.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    /// <summary>Events per emotion, most frequent first (emotions never seen left out).</summary>
    private IEnumerable<(string Label, int Count)> Shares => Points
        .GroupBy(p => p.Label)
        .Select(g => (g.Key, g.Count()))
        .OrderByDescending(s => s.Item2).ThenBy(s => s.Key, StringComparer.Ordinal);

    private IEnumerable<DateTimeOffset> Ticks
    {
        get
        {
            var span = To - From;
            for (var i = 0; i < TickCount; i++)
            {
                yield return From + (span * i / (TickCount - 1));
            }
        }
    }

    /// <summary>x of a moment; moments outside the period are clamped to its edges.</summary>
    public double X(DateTimeOffset at)
    {
        var span = (To - From).TotalMilliseconds;
        var f = span <= 0 ? 1 : Math.Clamp((at - From).TotalMilliseconds / span, 0, 1);
        return PlotLeft + (f * (PlotRight - PlotLeft));
    }

    public static double LaneY(int lane) => Top + (lane * LaneHeight) + (LaneHeight / 2.0);

    public static int LaneOf(string label)
    {
        for (var i = 0; i < EmotionDisplay.Labels.Count; i++)
        {
            if (string.Equals(EmotionDisplay.Labels[i], label, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>3 px for a barely sure event, 8 px for a certain one.</summary>
    public static double Radius(float confidence) => 3 + (5 * Math.Clamp(confidence, 0f, 1f));

    private string TickText(DateTimeOffset at) => (To - From) <= TimeSpan.FromDays(2)
        ? at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)
        : at.UtcDateTime.ToString("MMM d", CultureInfo.InvariantCulture);

    private string Percent(int count) => Points.Count == 0 ? "0%" : $"{Math.Round(100.0 * count / Points.Count):0}%";

    private static string Css(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
