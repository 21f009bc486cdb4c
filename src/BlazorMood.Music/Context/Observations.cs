namespace BlazorMood.Music.Context;

/// <summary>
/// A dominant emotion seen on the user's face (from the live-emotion feature, or an API override).
/// </summary>
/// <param name="Label">One of the seven emotion classes (angry, disgust, fear, happy, sad, surprise, neutral).</param>
/// <param name="Confidence">The classifier probability, 0..1.</param>
/// <param name="At">When the frame was captured (server clock).</param>
public sealed record EmotionObservation(string Label, double Confidence, DateTimeOffset At);

/// <summary>
/// An activity recognised in the user's video (from the video feature, or an API override).
/// </summary>
/// <param name="Activity">running, walking, sitting, standing, cycling, exercising, sleeping…</param>
/// <param name="Confidence">0..1.</param>
/// <param name="CadenceSpm">Steps (or pedal strokes) per minute when the recogniser measured one.</param>
/// <param name="At">When the activity was observed.</param>
public sealed record ActivityObservation(string Activity, double Confidence, double? CadenceSpm, DateTimeOffset At);

/// <summary>What is known about one user's context: the latest of each kind of observation.</summary>
public sealed record ListeningContext(EmotionObservation? LastEmotion, ActivityObservation? LastActivity)
{
    public static ListeningContext Empty { get; } = new(null, null);
}
