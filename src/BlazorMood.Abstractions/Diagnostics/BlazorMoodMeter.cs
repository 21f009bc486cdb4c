namespace BlazorMood.Diagnostics;

/// <summary>
/// The one meter every project's instruments are created on (through <c>IMeterFactory</c>, so they share it); the
/// host exports it. Names follow OpenTelemetry conventions; a Prometheus exporter turns them into Prometheus names
/// (dots become underscores, the unit and <c>_total</c> are appended: <c>blazormood_frames_analysed_total</c>…).
/// </summary>
public static class BlazorMoodMeter
{
    public const string Name = "BlazorMood";
}
