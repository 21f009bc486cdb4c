namespace BlazorMood.Video;

/// <summary>
/// The learned activity model's input: a window's features in a fixed order. Training (<c>blazormood train activity</c>)
/// and inference build it here, so the two can never disagree; the model's sidecar file lists the names it was trained
/// with and <see cref="ActivityModel"/> refuses a model whose list differs. A feature that could not be measured (NaN:
/// no stride, no knees in view) becomes -1, a value none of them takes otherwise, so the trees can split on "missing".
/// </summary>
public static class ActivityFeatureVector
{
    public const float Missing = -1f;

    private static readonly (string Name, Func<WindowFeatures, double> Value)[] Columns =
    [
        ("torsoAngle", f => f.TorsoAngleDegrees),
        ("thighAlongTorso", f => f.ThighAlongTorso),
        ("kneeAngle", f => f.KneeAngleDegrees),
        ("hipAngle", f => f.HipAngleDegrees),
        ("legSwing", f => f.LegSwing),
        ("legPeriodicity", f => f.LegPeriodicity),
        ("cadenceSpm", f => f.LegsCadenceSpm),
        ("strideCadenceSpm", f => double.IsFinite(f.StridePeriodSeconds) && f.StridePeriodSeconds > 0 ? 120 / f.StridePeriodSeconds : double.NaN),
        ("stepPeriodicity", f => f.StepPeriodicity),
        ("hipVerticalStd", f => f.HipVerticalStd),
        ("ankleVerticalStd", f => f.AnkleVerticalStd),
        ("anklePhaseCorrelation", f => f.AnklePhaseCorrelation),
        ("hipAnkleRange", f => f.HipAnkleRange),
        ("shoulderPerpendicularStd", f => f.ShoulderPerpendicularStd),
        ("shoulderPeriodicity", f => f.ShoulderPeriodicity),
        ("translationSpeed", f => f.TranslationSpeed),
        ("motionEnergy", f => f.MotionEnergy),
        ("kneeAngleStd", f => f.KneeAngleStd),
        ("bicycleFraction", f => f.BicycleFraction),
        ("armSwing", f => f.ArmSwing),
        ("wristHeightRange", f => f.WristHeightRange),
        ("ankleSpreadStd", f => f.AnkleSpreadStd),
        ("ankleSpreadPeriodicity", f => f.AnkleSpreadPeriodicity),
        ("hipPeriodicity", f => f.HipPeriodicity),
        ("extentAspect", f => f.ExtentAspect),
        ("shoulderWidthRatio", f => f.ShoulderWidthRatio),
        ("kneeAngleRange", f => f.KneeAngleRange),
        ("wristAboveShoulder", f => f.WristAboveShoulder),
        ("elbowAngleRange", f => f.ElbowAngleRange),
        ("wristAcross", f => f.WristAcross),
        ("wristBelowShoulder", f => f.WristBelowShoulder),
        ("shoulderAboveAnkles", f => f.ShoulderAboveAnkles),
        ("hipVerticalRange", f => f.HipVerticalRange),
        ("kneeAngleMin", f => f.KneeAngleMin),
    ];

    public static IReadOnlyList<string> Names { get; } = Columns.Select(c => c.Name).ToArray();

    public static int Length => Columns.Length;

    public static float[] Of(WindowFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var v = new float[Columns.Length];
        for (var i = 0; i < Columns.Length; i++)
        {
            var x = Columns[i].Value(features);
            v[i] = double.IsFinite(x) ? (float)x : Missing;
        }
        return v;
    }
}
