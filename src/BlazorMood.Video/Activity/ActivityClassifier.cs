using BlazorMood.Vision;
using Microsoft.Extensions.Options;
using static BlazorMood.Video.Signal;

namespace BlazorMood.Video;

/// <summary>
/// Tells activities apart from the main person's keypoint trajectories. Each window (default 2 s, hop 0.5 s) gets
/// posture features from its own frames and motion features (periodicity, cadence, oscillation) from a longer
/// centred context (default 4 s: a slow stride needs more than 2 s to repeat). Every length is divided by the torso
/// length (shoulder midpoint to hip midpoint), and leg motion is measured in the body's own frame, so distance,
/// resolution and side or frontal views change the numbers little. The window's class probabilities come from
/// smooth thresholds arranged as a decision tree (posture first, then bicycle, exercise, gait, seated), and the
/// timeline is the most likely sequence under a "sticky" hidden Markov model over the windows.
/// Keypoints under <see cref="VideoOptions.MinKeypointScore"/> are treated as missing and gaps are interpolated.
/// </summary>
public sealed class ActivityClassifier
{
    private const double MinStridePeriod = 0.4;   // 300 steps a minute: faster than sprinters
    private const double MaxStridePeriod = 2.2;   // 55 steps a minute: slower than a stroll
    private const double StayProbability = 0.9;
    private static readonly ActivityKind[] States = Enum.GetValues<ActivityKind>();

    private readonly VideoOptions _options;
    private readonly ActivityModel? _model;

    /// <param name="options">Window lengths and keypoint thresholds.</param>
    /// <param name="model">The learned window classifier; null labels windows with the hand-set decision tree.</param>
    public ActivityClassifier(IOptions<VideoOptions> options, ActivityModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _model = model;
    }

    /// <summary>Whether windows are labelled by the learned model (else by the hand-set tree).</summary>
    public bool UsesLearnedModel => _model is not null;

    /// <summary>The timeline of a whole clip. <paramref name="observations"/> must be in time order.</summary>
    public ActivityResult Classify(IReadOnlyList<PoseObservation> observations, double durationSeconds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var frames = observations.Select(o => FrameGeometry.Of(o, _options.MinKeypointScore)).ToArray();
        var windows = new List<ActivityWindow>();
        foreach (var centre in WindowCentres(durationSeconds))
        {
            cancellationToken.ThrowIfCancellationRequested();
            windows.Add(ClassifyWindow(frames, centre));
        }
        var smoothed = Viterbi(windows);
        var segments = BuildSegments(windows, smoothed, durationSeconds);
        var cadences = windows.Where((w, i) => smoothed[i] is ActivityKind.Walking or ActivityKind.Running && w.CadenceSpm is not null)
            .Select(w => w.CadenceSpm!.Value).ToArray();
        double? cadence = cadences.Length > 0 ? Median(cadences) : null;
        return new ActivityResult(durationSeconds, segments, windows, cadence) { Falls = FallDetector.Detect(observations, _options.MinKeypointScore) };
    }

    /// <summary>One window centred at <paramref name="centreSeconds"/>, unsmoothed (what a live view shows).</summary>
    public ActivityWindow ClassifyWindow(IReadOnlyList<PoseObservation> observations, double centreSeconds)
    {
        ArgumentNullException.ThrowIfNull(observations);
        return ClassifyWindow(ContextFrames(observations, centreSeconds), centreSeconds);
    }

    /// <summary>Only the frames a window's context needs, converted.</summary>
    private FrameGeometry[] ContextFrames(IReadOnlyList<PoseObservation> observations, double centreSeconds)
    {
        var half = Math.Max(_options.WindowSeconds, _options.PeriodicityWindowSeconds) / 2;
        return observations.Where(o => Math.Abs(o.TimeSeconds - centreSeconds) <= half + 1e-6)
            .Select(o => FrameGeometry.Of(o, _options.MinKeypointScore)).ToArray();
    }

    /// <summary>Window centres every hop, the first and last a half window from the ends (one in the middle for short clips).</summary>
    public IEnumerable<double> WindowCentres(double durationSeconds)
    {
        var w = _options.WindowSeconds;
        var hop = _options.HopSeconds;
        if (durationSeconds <= w)
        {
            yield return durationSeconds / 2;
            yield break;
        }
        var count = (int)Math.Floor((durationSeconds - w) / hop + 1e-9) + 1;
        for (var k = 0; k < count; k++)
        {
            yield return (w / 2) + (k * hop);
        }
    }

    private ActivityWindow ClassifyWindow(FrameGeometry[] frames, double centre)
    {
        var start = centre - (_options.WindowSeconds / 2);
        var end = centre + (_options.WindowSeconds / 2);
        var features = Extract(frames, centre);
        if (features is null)
        {
            return new ActivityWindow(start, end, ActivityKind.Unknown, ExerciseKind.None, 1, null,
                new Dictionary<ActivityKind, double> { [ActivityKind.Unknown] = 1 }, null);
        }
        var (p, exercise) = _model is null ? Probabilities(features) : LearnedProbabilities(_model, features);
        var best = p.MaxBy(kv => kv.Value);
        double? cadence = best.Key is ActivityKind.Walking or ActivityKind.Running && double.IsFinite(features.CadenceSpm)
            ? features.CadenceSpm
            : null;
        return new ActivityWindow(start, end, best.Key, best.Key == ActivityKind.Exercising ? exercise : ExerciseKind.None, best.Value, cadence, p, features);
    }

    /// <summary>The learned model's probabilities, the exercises summed into <see cref="ActivityKind.Exercising"/>.</summary>
    private static (Dictionary<ActivityKind, double> P, ExerciseKind Exercise) LearnedProbabilities(ActivityModel model, WindowFeatures f)
    {
        var scores = model.Predict([ActivityFeatureVector.Of(f)])[0];
        var p = new Dictionary<ActivityKind, double>();
        var exercise = ExerciseKind.None;
        var bestExercise = -1.0;
        for (var c = 0; c < scores.Length; c++)
        {
            var (kind, kindOfExercise) = model.Classes[c];
            p[kind] = p.GetValueOrDefault(kind) + scores[c];
            if (kindOfExercise != ExerciseKind.None && scores[c] > bestExercise)
            {
                bestExercise = scores[c];
                exercise = kindOfExercise;
            }
        }
        return (p, exercise);
    }

    /// <summary>
    /// Class probabilities as a soft decision tree: every split is a sigmoid, and the leaves multiply the branch
    /// probabilities, so they sum to one and a feature near its threshold gives an honest, low confidence.
    /// </summary>
    internal static (Dictionary<ActivityKind, double> P, ExerciseKind Exercise) Probabilities(WindowFeatures f)
    {
        // Lying: the torso is closer to horizontal than vertical in the image.
        var horizontal = Sigmoid(f.TorsoAngleDegrees, 55, 6);
        var upright = 1 - horizontal;

        // Gait: the two legs move in alternation with a clear period (works on treadmills: no translation needed),
        // or the body travels while the legs move.
        var legsMove = Sigmoid(f.LegSwing, 0.08, 0.02);
        var gait = Math.Max(Sigmoid(f.LegPeriodicity, 0.45, 0.07) * legsMove, Sigmoid(f.TranslationSpeed, 0.8, 0.15) * legsMove);
        // Running vs walking by cadence: walking tops out near 130 steps a minute, running starts near 150.
        var cadence = f.LegsCadenceSpm;
        var run = double.IsFinite(cadence) ? Sigmoid(cadence, 140, 5) : Sigmoid(f.HipVerticalStd, 0.07, 0.015);

        // Seated: the thigh runs across the body axis instead of along it (side view: it is horizontal; frontal view:
        // it is foreshortened). Without visible knees the default is upright standing.
        // Knees clearly above the hips along the body (negative) are not a seat but a bad pose, so the evidence is a bump.
        var seated = double.IsFinite(f.ThighAlongTorso) ? (1 - Sigmoid(f.ThighAlongTorso, 0.45, 0.06)) * Sigmoid(f.ThighAlongTorso, -0.1, 0.03) : 0.15;

        // Bicycle under the lower body, with pedalling knees or a hip flexed on the saddle.
        var onBike = Sigmoid(f.BicycleFraction, 0.4, 0.08) *
                     Math.Max(Math.Max(Sigmoid(f.KneeAngleStd, 8, 2), legsMove), double.IsFinite(f.ThighAlongTorso) ? 1 - Sigmoid(f.ThighAlongTorso, 0.75, 0.05) : 0);

        // Exercises. Jumping: the whole body bobs with both feet together (not alternating). Squats: hip-to-foot
        // distance of both legs shrinks and grows while the feet stay planted and the legs do not alternate. Push-ups: horizontal body whose
        // shoulders rise and fall with a period.
        var jump = Sigmoid(f.HipVerticalStd, 0.12, 0.03) * Sigmoid(f.AnklePhaseCorrelation, 0.5, 0.1) * Sigmoid(f.AnkleVerticalStd, 0.08, 0.02) * (1 - (gait * 0.9));
        var squat = Sigmoid(f.HipAnkleRange, 0.45, 0.07) * (1 - Sigmoid(f.AnkleVerticalStd, 0.12, 0.03)) * (1 - (gait * 0.9));
        var pushUp = Sigmoid(f.ShoulderPerpendicularStd, 0.08, 0.02) * Sigmoid(f.ShoulderPeriodicity, 0.4, 0.08);
        var exerciseUp = Math.Max(jump, squat);

        var rest = upright * (1 - onBike);
        var rest2 = rest * (1 - exerciseUp);
        var p = new Dictionary<ActivityKind, double>
        {
            [ActivityKind.Cycling] = upright * onBike,
            [ActivityKind.Exercising] = (rest * exerciseUp) + (horizontal * pushUp),
            [ActivityKind.Running] = rest2 * gait * run,
            [ActivityKind.Walking] = rest2 * gait * (1 - run),
            [ActivityKind.Sitting] = rest2 * (1 - gait) * seated,
            [ActivityKind.Standing] = rest2 * (1 - gait) * (1 - seated),
            [ActivityKind.Lying] = horizontal * (1 - pushUp),
        };
        var exercise = horizontal * pushUp > rest * exerciseUp ? ExerciseKind.PushUps : jump >= squat ? ExerciseKind.Jumping : ExerciseKind.Squats;
        return (p, exercise);
    }

    /// <summary>The features of the window centred at <paramref name="centreSeconds"/> (null when the body is not seen well enough), as training uses them.</summary>
    public WindowFeatures? ExtractFeatures(IReadOnlyList<PoseObservation> observations, double centreSeconds)
    {
        ArgumentNullException.ThrowIfNull(observations);
        return Extract(ContextFrames(observations, centreSeconds), centreSeconds);
    }

    internal WindowFeatures? Extract(FrameGeometry[] all, double centre)
    {
        var halfCore = _options.WindowSeconds / 2;
        var halfCtx = Math.Max(_options.WindowSeconds, _options.PeriodicityWindowSeconds) / 2;
        var ctx = all.Where(f => Math.Abs(f.Time - centre) <= halfCtx + 1e-6).ToArray();
        var core = ctx.Where(f => Math.Abs(f.Time - centre) <= halfCore + 1e-6).ToArray();
        if (core.Length == 0)
        {
            return null;
        }
        var coverage = core.Count(f => f.HasTorso) / (double)core.Length;
        var withTorso = ctx.Where(f => f.HasTorso).ToArray();
        if (coverage < 0.3 || withTorso.Length < 3)
        {
            return null;
        }
        var scale = Median(withTorso.Select(f => f.TorsoLength));
        if (!(scale > 1e-3))
        {
            return null;
        }
        var dt = ctx.Length > 1 ? Math.Max(1e-3, Median(ctx.Zip(ctx.Skip(1), (a, b) => b.Time - a.Time))) : 0.1;

        // Posture over the core window.
        var coreTorso = core.Where(f => f.HasTorso).ToArray();
        var torsoAngle = Median(coreTorso.Select(f => f.TorsoAngle));
        var thigh = Median(coreTorso.SelectMany(f => f.ThighAlong()));
        var knee = Median(core.SelectMany(f => f.KneeAngles()));
        var hip = Median(coreTorso.SelectMany(f => f.HipAngles()));

        // Leg alternation: the ankle-to-ankle vector (knees when ankles are hidden) in the body frame, reduced to its
        // main direction of variation (front-back in a side view, up-down in a frontal one).
        var (legSignal, legOk) = LegSignal(ctx, scale);
        double legSwing = 0, legPeriodicity = 0, stride = double.NaN, stepPeriodicity = 0, step = double.NaN;
        if (legOk)
        {
            legSwing = Std(legSignal);
            (legPeriodicity, stride) = Periodicity(legSignal, dt, MinStridePeriod, MaxStridePeriod);
            // The size of the same vector peaks once a step, whichever ankle is called left.
            var legSpread = legSignal.Select(Math.Abs).ToArray();
            Detrend(legSpread);
            (stepPeriodicity, step) = Periodicity(legSpread, dt, MinStridePeriod / 2, MaxStridePeriod / 2);
        }

        var hipY = Series(ctx, f => f.Centre?.Y / scale);
        var hipVertical = hipY is null ? 0 : Std(hipY);
        var leftAnkleY = Series(ctx, f => f.Point(BodyPart.LeftAnkle)?.Y / scale);
        var rightAnkleY = Series(ctx, f => f.Point(BodyPart.RightAnkle)?.Y / scale);
        var ankleVertical = 0.0;
        var anklePhase = 0.0;
        if (leftAnkleY is not null && rightAnkleY is not null)
        {
            ankleVertical = Std(leftAnkleY.Zip(rightAnkleY, (a, b) => (a + b) / 2).ToArray());
            anklePhase = Correlation(leftAnkleY, rightAnkleY);
        }
        // Squats: the longer of the two hip-to-ankle distances (a running stance leg stays long; squatting shortens both).
        var hipToFoot = ctx.Select(f => f.LongerLeg() / scale).Where(double.IsFinite).ToArray();
        var hipAnkleRange = hipToFoot.Length >= 3 ? Percentile(hipToFoot, 95) - Percentile(hipToFoot, 5) : 0;

        var shoulderY = Series(ctx, f => f.ShoulderMid?.Y / scale);
        double shoulderStd = 0, shoulderPeriodicity = 0;
        if (shoulderY is not null)
        {
            shoulderStd = Std(shoulderY);
            (shoulderPeriodicity, _) = Periodicity(shoulderY, dt, 0.5, 4);
        }

        var hipX = ctx.Select(f => f.Centre?.X / scale ?? double.NaN).ToArray();
        var translation = FillGaps(hipX, 0.5) ? Math.Abs(Detrend(hipX)) / dt : 0;

        var kneeSeries = ctx.Select(f => Median(f.KneeAngles())).Where(double.IsFinite).ToArray();
        var kneeStd = kneeSeries.Length >= 3 ? Std(kneeSeries) : 0;

        var bicycleFraction = core.Count(f => f.BicycleUnderLegs(scale)) / (double)core.Length;

        // Arms: runners swing them, jumping jacks raise them over the head.
        var armSwing = new[] { BodyPart.LeftWrist, BodyPart.RightWrist }
            .Select(w => Series(ctx, f => f.Along(w))).Where(x => x is not null).Select(x => Std(x!)).DefaultIfEmpty(0).Average();
        var highestWrist = ctx.Select(f => new[] { f.Along(BodyPart.LeftWrist), f.Along(BodyPart.RightWrist) }.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Min())
            .Where(double.IsFinite).ToArray();
        var wristRange = highestWrist.Length >= 3 ? Percentile(highestWrist, 95) - Percentile(highestWrist, 5) : 0;
        var wristAbove = highestWrist.Length > 0 ? highestWrist.Count(v => v < -0.1) / (double)highestWrist.Length : 0;

        // Feet apart and together across the body axis (jumping jacks), and how regularly.
        var spread = Series(ctx, f => f.Across(BodyPart.LeftAnkle) is { } l && f.Across(BodyPart.RightAnkle) is { } r ? Math.Abs(l - r) : null);
        double spreadStd = 0, spreadPeriodicity = 0;
        if (spread is not null)
        {
            spreadStd = Std(spread);
            (spreadPeriodicity, _) = Periodicity(spread, dt, 0.3, 2.5);
        }
        var hipPeriodicity = hipY is null ? 0 : Periodicity(hipY, dt, 0.25, MaxStridePeriod).Strength;
        // The torso's bounce, once a step: 50 to 240 steps a minute.
        var (bouncePeriodicity, bouncePeriod) = hipY is null ? (0, double.NaN) : Periodicity(hipY, dt, 60.0 / 240, 60.0 / 50);
        var extent = Median(core.Select(f => f.ExtentAspect()).Where(double.IsFinite));
        var shoulderWidth = Median(coreTorso.Select(f => f.ShoulderWidthRatio() ?? double.NaN).Where(double.IsFinite));
        var kneeRange = kneeSeries.Length >= 3 ? Percentile(kneeSeries, 95) - Percentile(kneeSeries, 5) : 0;
        // Arms held out across the body (push-ups rest on them; a lying person's arms lie along the body), and how much the elbows bend.
        var wristAcross = Median(core.Select(f => new[] { f.Across(BodyPart.LeftWrist), f.Across(BodyPart.RightWrist) }
            .Where(v => v is not null).Select(v => Math.Abs(v!.Value)).DefaultIfEmpty(double.NaN).Max()));
        var elbowSeries = ctx.Select(f => Median(f.ElbowAngles())).Where(double.IsFinite).ToArray();
        var elbowRange = elbowSeries.Length >= 3 ? Percentile(elbowSeries, 95) - Percentile(elbowSeries, 5) : 0;
        // Posture against gravity (the image vertical, not the body axis), which tells a push-up from lying whatever
        // the torso angle: in a plank the arms hold the shoulders about an arm's length above the hands and the
        // shoulders above the feet; lying, hands, shoulders and feet are near one height.
        var wristBelow = Median(coreTorso.Select(f => new[] { f.Point(BodyPart.LeftWrist), f.Point(BodyPart.RightWrist) }
            .Where(p => p is not null).Select(p => (p!.Value.Y - f.ShoulderMid!.Value.Y) / scale).DefaultIfEmpty(double.NaN).Max()));
        var shoulderAboveAnkles = Median(coreTorso.Select(f => AnkleMid(f) is { } a ? (a.Y - f.ShoulderMid!.Value.Y) / scale : double.NaN));
        // Squats: how far the hips travel up and down (range, not spread: a set with pauses standing between
        // repetitions keeps its depth) and the deepest knee bend in the context.
        var hipRange = hipY is null ? 0 : Percentile(hipY, 95) - Percentile(hipY, 5);
        var kneeMin = kneeSeries.Length >= 3 ? Percentile(kneeSeries, 5) : double.NaN;

        return new WindowFeatures(torsoAngle, thigh, knee, hip, legSwing, legPeriodicity, stride, hipVertical, ankleVertical, anklePhase,
            hipAnkleRange, shoulderStd, shoulderPeriodicity, translation, MotionEnergy(ctx, scale), kneeStd, bicycleFraction, coverage,
            ArmSwing: armSwing, WristHeightRange: wristRange, AnkleSpreadStd: spreadStd, AnkleSpreadPeriodicity: spreadPeriodicity,
            HipPeriodicity: hipPeriodicity, ExtentAspect: extent, ShoulderWidthRatio: shoulderWidth, KneeAngleRange: kneeRange, WristAboveShoulder: wristAbove,
            WristAcross: double.IsFinite(wristAcross) ? wristAcross : 0, ElbowAngleRange: elbowRange,
            StepPeriodSeconds: step, StepPeriodicity: stepPeriodicity,
            WristBelowShoulder: wristBelow, ShoulderAboveAnkles: shoulderAboveAnkles, HipVerticalRange: hipRange, KneeAngleMin: kneeMin,
            BouncePeriodSeconds: bouncePeriod, BouncePeriodicity: bouncePeriodicity);
    }

    private static ImagePoint? AnkleMid(FrameGeometry f) => (f.Point(BodyPart.LeftAnkle), f.Point(BodyPart.RightAnkle)) switch
    {
        ({ } l, { } r) => new ImagePoint((l.X + r.X) / 2, (l.Y + r.Y) / 2),
        ({ } l, null) => l,
        (null, { } r) => r,
        _ => null,
    };

    /// <summary>A per-frame series with gaps filled and the trend removed; null when under half the frames have it.</summary>
    private static double[]? Series(FrameGeometry[] frames, Func<FrameGeometry, double?> value)
    {
        var x = frames.Select(f => value(f) ?? double.NaN).ToArray();
        if (!FillGaps(x, 0.5))
        {
            return null;
        }
        Detrend(x);
        return x;
    }

    private static (double[] Signal, bool Ok) LegSignal(FrameGeometry[] frames, double scale)
    {
        foreach (var (l, r) in new[] { (BodyPart.LeftAnkle, BodyPart.RightAnkle), (BodyPart.LeftKnee, BodyPart.RightKnee) })
        {
            var u = new double[frames.Length];
            var v = new double[frames.Length];
            for (var i = 0; i < frames.Length; i++)
            {
                var f = frames[i];
                if (f.Point(l) is { } a && f.Point(r) is { } b && f.Down is { } down)
                {
                    var dx = (a.X - b.X) / scale;
                    var dy = (a.Y - b.Y) / scale;
                    u[i] = (dx * down.X) + (dy * down.Y);
                    v[i] = (-dx * down.Y) + (dy * down.X);
                }
                else
                {
                    u[i] = v[i] = double.NaN;
                }
            }
            if (!FillGaps(u, 0.6) || !FillGaps(v, 0.6))
            {
                continue;
            }
            Detrend(u);
            Detrend(v);
            // First principal component of (u, v).
            double suu = u.Sum(x => x * x), svv = v.Sum(x => x * x), suv = u.Zip(v, (x, y) => x * y).Sum();
            var theta = 0.5 * Math.Atan2(2 * suv, suu - svv);
            var (c, s) = (Math.Cos(theta), Math.Sin(theta));
            return (u.Zip(v, (x, y) => (x * c) + (y * s)).ToArray(), true);
        }
        return ([], false);
    }

    /// <summary>Mean speed of the keypoints relative to the body centre, in torso lengths a second.</summary>
    private static double MotionEnergy(FrameGeometry[] frames, double scale)
    {
        double sum = 0;
        var n = 0;
        for (var i = 1; i < frames.Length; i++)
        {
            var (a, b) = (frames[i - 1], frames[i]);
            if (a.Centre is not { } ca || b.Centre is not { } cb || b.Time <= a.Time)
            {
                continue;
            }
            for (var k = 0; k < 17; k++)
            {
                if (a.Point((BodyPart)k) is { } pa && b.Point((BodyPart)k) is { } pb)
                {
                    var dx = (pb.X - cb.X) - (pa.X - ca.X);
                    var dy = (pb.Y - cb.Y) - (pa.Y - ca.Y);
                    sum += Math.Sqrt((dx * dx) + (dy * dy)) / scale / (b.Time - a.Time);
                    n++;
                }
            }
        }
        return n > 0 ? sum / n : 0;
    }

    private static ActivityKind[] Viterbi(IReadOnlyList<ActivityWindow> windows)
    {
        var n = windows.Count;
        var k = States.Length;
        if (n == 0)
        {
            return [];
        }
        var stay = Math.Log(StayProbability);
        var move = Math.Log((1 - StayProbability) / (k - 1));
        var score = new double[n, k];
        var back = new int[n, k];
        double Emit(int i, int s) => Math.Log(Math.Max(1e-4, windows[i].Probabilities.GetValueOrDefault(States[s])));
        for (var s = 0; s < k; s++)
        {
            score[0, s] = Emit(0, s);
        }
        for (var i = 1; i < n; i++)
        {
            for (var s = 0; s < k; s++)
            {
                var bestPrev = 0;
                var best = double.NegativeInfinity;
                for (var q = 0; q < k; q++)
                {
                    var v = score[i - 1, q] + (q == s ? stay : move);
                    if (v > best)
                    {
                        best = v;
                        bestPrev = q;
                    }
                }
                score[i, s] = best + Emit(i, s);
                back[i, s] = bestPrev;
            }
        }
        var path = new ActivityKind[n];
        var last = Enumerable.Range(0, k).MaxBy(s => score[n - 1, s]);
        for (var i = n - 1; i >= 0; i--)
        {
            path[i] = States[last];
            last = back[i, last];
        }
        return path;
    }

    private static List<ActivitySegment> BuildSegments(IReadOnlyList<ActivityWindow> windows, ActivityKind[] labels, double duration)
    {
        var segments = new List<ActivitySegment>();
        var i = 0;
        while (i < windows.Count)
        {
            var j = i;
            while (j + 1 < windows.Count && labels[j + 1] == labels[i])
            {
                j++;
            }
            var kind = labels[i];
            var start = i == 0 ? 0 : Mid(windows[i - 1], windows[i]);
            var end = j == windows.Count - 1 ? duration : Mid(windows[j], windows[j + 1]);
            var run = windows.Skip(i).Take(j - i + 1).ToArray();
            var confidence = run.Average(w => w.Probabilities.GetValueOrDefault(kind));
            var exercise = kind == ActivityKind.Exercising
                ? run.Where(w => w.Exercise != ExerciseKind.None).GroupBy(w => w.Exercise).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault()
                : ExerciseKind.None;
            double? cadence = kind is ActivityKind.Walking or ActivityKind.Running
                ? run.Where(w => w.Features is { } f && double.IsFinite(f.CadenceSpm)).Select(w => w.Features!.CadenceSpm).DefaultIfEmpty(double.NaN).ToArray() is var c && c.Any(double.IsFinite) ? Median(c) : null
                : null;
            segments.Add(new ActivitySegment(start, end, kind, confidence, exercise, cadence));
            i = j + 1;
        }
        return segments;

        static double Mid(ActivityWindow a, ActivityWindow b) => ((a.Start + a.End) / 2 + ((b.Start + b.End) / 2)) / 2;
    }
}
