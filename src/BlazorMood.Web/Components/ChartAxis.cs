namespace BlazorMood.Web.Components;

/// <summary>Value-axis spacing for the MudBlazor charts: a round step giving about four gridlines whatever the counts.</summary>
public static class ChartAxis
{
    private static readonly double[] Mantissas = [1, 2, 5];

    /// <summary>The smallest of 1, 2, 5, 10, 20, 50… that splits [0, <paramref name="max"/>] into at most <paramref name="lines"/> steps.</summary>
    public static double Step(double max, int lines = 4)
    {
        if (!double.IsFinite(max) || max <= 0)
        {
            return 1;
        }
        for (var scale = 1.0; ; scale *= 10)
        {
            foreach (var m in Mantissas)
            {
                if (max / (m * scale) <= lines)
                {
                    return m * scale;
                }
            }
        }
    }
}
