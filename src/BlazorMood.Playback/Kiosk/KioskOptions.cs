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

    /// <summary>
    /// Least time a track chosen while the room was empty or not yet read (time-of-day music) plays before the room's
    /// first reading replaces it: people who walk in hear music for them within seconds, not after a whole track.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TimeOfDayMinPlayTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Recent frames the room's energy is averaged over. A reading shows once half of it has been seen, so a person
    /// whose face the camera cannot see (bent over, squatting, turned away) still gets one within seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan EnergyWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Average share of the picture moving from frame to frame at which the room is <see cref="RoomEnergy.Moving"/>
    /// (also the least movement that shows someone is there when no face is seen). Measured on a 32×24 brightness grid
    /// at 5 frames a second: people sitting or standing still 0–0.05, walking 0.05–0.08, jumping jacks, mountain
    /// climbers and push-ups filling the picture 0.1–0.3 (see docs/accuracy.md).
    /// </summary>
    [Range(0.001, 1.0)]
    public double MovingMotion { get; set; } = 0.035;

    /// <summary>Average share of the picture moving at which the room's energy is <see cref="RoomEnergy.High"/> (a workout).</summary>
    [Range(0.001, 1.0)]
    public double HighMotion { get; set; } = 0.08;

    /// <summary>This many people in view make the room at least <see cref="RoomEnergy.Moving"/>, however still they are.</summary>
    [Range(1, 1000)]
    public int BusyRoomPeople { get; set; } = 8;

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
