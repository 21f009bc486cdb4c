using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Web.History;

/// <summary>How much of a user's history the History page loads, bound from the <c>History</c> section.</summary>
public sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>Most emotion events drawn on the timeline (the newest of the period; the count says how many there were).</summary>
    [Range(10, 100_000)]
    public int MaxEmotionPoints { get; set; } = 2000;

    /// <summary>Most video jobs listed (newest first).</summary>
    [Range(1, 1000)]
    public int MaxJobs { get; set; } = 50;
}
