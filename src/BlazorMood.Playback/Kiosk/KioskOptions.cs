using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Playback.Kiosk;

/// <summary>The gym kiosk (<c>/kiosk</c>): how the group mood steers the music, capture settings, device sign-in. Section <c>Kiosk</c>.</summary>
public sealed class KioskOptions
{
    public const string SectionName = "Kiosk";

    /// <summary>Recent frames the group mood is read from: a mood counts when it leads this window, not a single frame.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MoodWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Share of the window's frames (with someone in view) a mood needs to become the room's mood. Above one half,
    /// so two moods taking turns never replace each other back and forth.
    /// </summary>
    [Range(0.5, 1.0)]
    public double MoodShare { get; set; } = 0.6;

    /// <summary>Nobody in view for this long: the room is empty and the time-of-day music plays.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan EmptyAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Least time a track plays before a change of the room's mood may replace it; otherwise the music changes only
    /// when the track ends.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan MinPlayTime { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The people count shown is the largest of this recent stretch (a missed detection does not make someone vanish).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan CountHold { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Box the kiosk fits each camera frame into before JPEG encoding; larger than the desk view, people stand further away.</summary>
    [Range(64, 1920)]
    public int CaptureWidth { get; set; } = 640;

    [Range(48, 1080)]
    public int CaptureHeight { get; set; } = 480;

    /// <summary>Frames a second the kiosk sends (a room's mood moves slowly; the rest of the CPU serves everyone else). At most <c>Live:MaxFps</c>.</summary>
    [Range(1, 60)]
    public int MaxFps { get; set; } = 5;

    /// <summary>How often the page asks for the camera again after losing it (unplugged, taken by another program, refused).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CameraRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the device's sign-in cookie lasts (renewed while the kiosk is in use; a revoked device is refused at once anyway).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan DeviceSignInLifetime { get; set; } = TimeSpan.FromDays(365);
}
