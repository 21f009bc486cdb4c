using System.ComponentModel.DataAnnotations;
using BlazorMood.Music.Recommendation;

namespace BlazorMood.Playback;

/// <summary>When the music follows a change of mood.</summary>
public enum PlayerReactivity
{
    /// <summary>At the end of the current track (the queue follows at once).</summary>
    TrackEnd,

    /// <summary>Within seconds: a mood that holds crossfades to a fitting track mid-track.</summary>
    WithinSeconds,
}

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

    /// <summary>
    /// How fast the Recommendations tab's music follows a mood change: within seconds (crossfade mid-track once the
    /// new mood has held for <see cref="MoodHold"/>) or only at the end of the current track. The tab applies it (and
    /// the listener may change it there); a player nobody set it on (the kiosk, whose director cuts tracks itself)
    /// follows at track ends.
    /// </summary>
    public PlayerReactivity Reactivity { get; set; } = PlayerReactivity.WithinSeconds;

    /// <summary>
    /// How long a new context (another emotion, a face leaving) must hold before the plan follows it: single frames and
    /// short glances never reach "Up next", and the music never flaps between two moods.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan MoodHold { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Least confidence of the held emotion for a mid-track change (a weaker one still steers the next track).</summary>
    [Range(0.0, 1.0)]
    public double MinSwitchConfidence { get; set; } = 0.3;

    /// <summary>Least time between two mid-track changes, so the music never flaps between moods.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MinTimeBetweenSwitches { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Length of the crossfade from the playing track to the next when the mood or a query changes the music.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan Crossfade { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Tracks kept for "previous".</summary>
    [Range(1, 1000)]
    public int HistoryLength { get; set; } = 50;
}
