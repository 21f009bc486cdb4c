using BlazorMood.Vision;

namespace BlazorMood.Video;

/// <summary>What a person is doing. <see cref="Lying"/> covers sleeping (lying and still).</summary>
public enum ActivityKind
{
    Unknown,
    Standing,
    Sitting,
    Lying,
    Walking,
    Running,
    Cycling,
    Exercising,
}

/// <summary>The kind of exercise behind <see cref="ActivityKind.Exercising"/>.</summary>
public enum ExerciseKind
{
    None,
    Squats,
    Jumping,
    PushUps,
}

public static class ActivityNames
{
    /// <summary>The label used in files, JSON and evaluation folders ("running").</summary>
    public static string Label(this ActivityKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Whether the body moves through the activity (walking, running, cycling, exercising) rather than rests in it.</summary>
    public static bool IsMoving(this ActivityKind kind) =>
        kind is ActivityKind.Walking or ActivityKind.Running or ActivityKind.Cycling or ActivityKind.Exercising;

    /// <summary>Every label a clip can be classified as (not <see cref="ActivityKind.Unknown"/>).</summary>
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<ActivityKind>().Where(k => k != ActivityKind.Unknown).Select(Label).ToArray();

    /// <summary>Parses a label or a common synonym (folder names of datasets: "sleeping", "jogging", "squats"…).</summary>
    public static ActivityKind? Parse(string label)
    {
        var l = label.Trim().ToLowerInvariant().Replace('_', '-');
        return l switch
        {
            "standing" or "stand" or "idle" => ActivityKind.Standing,
            "sitting" or "sit" or "seated" => ActivityKind.Sitting,
            "lying" or "lying-down" or "sleeping" or "sleep" or "laying" => ActivityKind.Lying,
            "walking" or "walk" => ActivityKind.Walking,
            "running" or "run" or "jogging" or "treadmill" => ActivityKind.Running,
            "cycling" or "biking" or "bicycle" or "bike" => ActivityKind.Cycling,
            "exercising" or "exercise" or "squats" or "squat" or "jumping" or "jump" or "push-ups" or "pushups" or "workout" => ActivityKind.Exercising,
            _ => null,
        };
    }
}

/// <summary>One analysed instant: the main person's pose (null when nobody was found) and the bicycles in view.</summary>
public sealed record PoseObservation(double TimeSeconds, BodyPose? Pose, ImageBox? PersonBox, IReadOnlyList<ImageBox> Bicycles);

/// <summary>Features of one window, all normalised by body size (torso length) so distance and resolution do not matter.</summary>
public sealed record WindowFeatures(
    double TorsoAngleDegrees,
    double ThighAlongTorso,
    double KneeAngleDegrees,
    double HipAngleDegrees,
    double LegSwing,
    double LegPeriodicity,
    double StridePeriodSeconds,
    double HipVerticalStd,
    double AnkleVerticalStd,
    double AnklePhaseCorrelation,
    double HipAnkleRange,
    double ShoulderPerpendicularStd,
    double ShoulderPeriodicity,
    double TranslationSpeed,
    double MotionEnergy,
    double KneeAngleStd,
    double BicycleFraction,
    double Coverage,
    double ArmSwing = 0,
    double WristHeightRange = 0,
    double AnkleSpreadStd = 0,
    double AnkleSpreadPeriodicity = 0,
    double HipPeriodicity = 0,
    double ExtentAspect = double.NaN,
    double ShoulderWidthRatio = double.NaN,
    double KneeAngleRange = 0,
    double WristAboveShoulder = 0,
    double WristAcross = 0,
    double ElbowAngleRange = 0,
    double StepPeriodSeconds = double.NaN,
    double StepPeriodicity = 0,
    double WristBelowShoulder = double.NaN,
    double ShoulderAboveAnkles = double.NaN,
    double HipVerticalRange = 0,
    double KneeAngleMin = double.NaN,
    double BouncePeriodSeconds = double.NaN,
    double BouncePeriodicity = 0)
{
    /// <summary>How clear (normalised autocorrelation) the torso's bounce must be to correct the legs' cadence.</summary>
    public const double ClearBounce = 0.5;

    /// <summary>
    /// Steps a minute (both feet) as reported: <see cref="LegsCadenceSpm"/>, doubled when the torso bounces clearly at
    /// twice that rate.
    /// </summary>
    public double CadenceSpm
    {
        get
        {
            // The torso bounces once a step whichever leg is which. When it bounces clearly at twice the legs' rate,
            // the legs' repetition was a stride read as a step (seen from behind, MoveNet's left and right ankles
            // trade places often enough to hide every other step): the cadence is twice the legs'.
            var legs = LegsCadenceSpm;
            var bounce = BouncePeriodicity >= ClearBounce && BouncePeriodSeconds > 0 ? 60 / BouncePeriodSeconds : double.NaN;
            return double.IsFinite(legs) && double.IsFinite(bounce) && bounce / legs is >= 1.8 and <= 2.25 ? 2 * legs : legs;
        }
    }

    /// <summary>
    /// Steps a minute (both feet) from the two periodicities of the legs: the signed ankle-to-ankle vector repeats
    /// once a stride, and its size (feet furthest apart at each foot strike) once a step. The size does not change when
    /// MoveNet calls the left ankle right, which in side views it does every few frames; the signed vector then loses its
    /// period. Where both agree (within 12 %) the stride gives the value; otherwise the clearer of the two. This is what
    /// the activity model was trained on (its feature "cadenceSpm"), so the bounce correction of
    /// <see cref="CadenceSpm"/> changes the reported cadence, not the model's input.
    /// </summary>
    public double LegsCadenceSpm
    {
        get
        {
            var fromStride = double.IsFinite(StridePeriodSeconds) && StridePeriodSeconds > 0 ? 120 / StridePeriodSeconds : double.NaN;
            var fromStep = double.IsFinite(StepPeriodSeconds) && StepPeriodSeconds > 0 ? 60 / StepPeriodSeconds : double.NaN;
            if (!double.IsFinite(fromStep))
            {
                return fromStride;
            }
            if (!double.IsFinite(fromStride))
            {
                return fromStep;
            }
            if (Math.Abs(fromStride - fromStep) <= 0.12 * fromStride)
            {
                return fromStride;
            }
            return StepPeriodicity > LegPeriodicity + 0.1 ? fromStep : fromStride;
        }
    }
}

/// <summary>The decision for one window.</summary>
public sealed record ActivityWindow(double Start, double End, ActivityKind Activity, ExerciseKind Exercise, double Confidence, double? CadenceSpm, IReadOnlyDictionary<ActivityKind, double> Probabilities, WindowFeatures? Features);

/// <summary>A stretch of the timeline with one activity.</summary>
public sealed record ActivitySegment(double Start, double End, ActivityKind Activity, double Confidence, ExerciseKind Exercise = ExerciseKind.None, double? CadenceSpm = null)
{
    public string Label => Activity.Label();

    public double Duration => End - Start;
}

/// <summary>The activity timeline of a clip.</summary>
public sealed record ActivityResult(double DurationSeconds, IReadOnlyList<ActivitySegment> Segments, IReadOnlyList<ActivityWindow> Windows, double? CadenceSpm)
{
    /// <summary>Times (seconds) at which <see cref="FallDetector"/> saw someone fall.</summary>
    public IReadOnlyList<double> Falls { get; init; } = [];

    /// <summary>
    /// Activities seen, longest total first (Unknown excluded). Between two of the same total (to the millisecond) a
    /// moving one (walking, running, cycling, exercising) comes before a resting one: a clip of push-ups with as long
    /// in the plank around them is a workout, and the music it asks for is a workout's. Before this rule a tie went to
    /// whichever came first in the clip.
    /// </summary>
    public IReadOnlyList<ActivityKind> Activities => Segments.Where(s => s.Activity != ActivityKind.Unknown)
        .GroupBy(s => s.Activity)
        .OrderByDescending(g => Math.Round(g.Sum(s => s.Duration), 3))
        .ThenByDescending(g => g.Key.IsMoving())
        .Select(g => g.Key).ToArray();

    /// <summary>The activity covering most of the clip (Unknown only when nothing else was seen).</summary>
    public ActivityKind Dominant => Activities.Count > 0 ? Activities[0] : ActivityKind.Unknown;

    /// <summary>The equivalent of the original system's <c>detected_activities.txt</c>: one activity per line.</summary>
    public string ToDetectedActivitiesText() => string.Concat(Activities.Select(a => a.Label() + "\n"));

    public Task WriteDetectedActivitiesAsync(string path, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, ToDetectedActivitiesText(), cancellationToken);
}
