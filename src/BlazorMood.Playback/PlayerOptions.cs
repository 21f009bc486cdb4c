using System.ComponentModel.DataAnnotations;
using BlazorMood.Music.Recommendation;

namespace BlazorMood.Playback;

/// <summary>The Recommendations tab's player, bound from <c>Recommendations:Player</c> (every value has a default).</summary>
public sealed class PlayerOptions
{
    public const string SectionName = "Recommendations:Player";

    /// <summary>
    /// Mode the player starts in. Baseline is the original rule (predictable: a fresh emotion plays its playlist);
    /// the listener switches to context mode in the tab, and a mood query switches to it by itself.
    /// </summary>
    public RecommendationMode DefaultMode { get; set; } = RecommendationMode.Baseline;

    /// <summary>Least time between two re-plans of the upcoming queue caused by context changes (live emotion reports ~15 times a second).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ContextRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Initial volume, 0..1.</summary>
    [Range(0.0, 1.0)]
    public double Volume { get; set; } = 0.8;

    /// <summary>Tracks kept for "previous".</summary>
    [Range(1, 1000)]
    public int HistoryLength { get; set; } = 50;
}
