namespace BlazorMood.Data;

/// <summary>Text cut to a column's maximum length before it is written (file names, messages, tags from elsewhere).</summary>
internal static class ColumnText
{
    public static string Fit(string text, int maxLength) => text.Length <= maxLength ? text : text[..maxLength];
}
