using BlazorMood.Training.Activity;
using BlazorMood.Vision;
using Microsoft.Extensions.Options;

namespace BlazorMood.Video.Tests;

public class ClassifierTests
{
    private const double Fps = 10;
    private const double Seconds = 8;

    internal static ActivityClassifier Classifier() => new(Options.Create(new VideoOptions()));

    public static TheoryData<string, string, double, int> Cases()
    {
        var data = new TheoryData<string, string, double, int>();
        foreach (var activity in new[] { "walking", "walking-treadmill", "running", "running-treadmill", "standing", "sitting", "lying", "squats", "jumping", "cycling" })
        {
            foreach (var view in new[] { "side", "front", "oblique" })
            {
                foreach (var scale in new[] { 200.0, 60.0 })
                {
                    data.Add(activity, view, scale, activity.Length + view.Length + (int)scale);
                }
            }
        }
        data.Add("push-ups", "side", 200, 1);
        data.Add("push-ups", "side", 60, 2);
        data.Add("push-ups", "oblique", 120, 3);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reads_each_modelled_activity_from_every_view(string activity, string view, double pixelsPerMetre, int seed)
    {
        var (observations, expected, cadence) = Generate(activity, view, pixelsPerMetre, seed);
        var result = Classifier().Classify(observations, Seconds);

        var diag = Describe(result);
        Assert.True(result.Dominant == expected, $"{activity}/{view}/{pixelsPerMetre}: got {result.Dominant}\n{diag}");
        var share = result.Segments.Where(s => s.Activity == expected).Sum(s => s.Duration) / Seconds;
        Assert.True(share >= 0.8, $"{activity}/{view}: only {share:P0} {expected}\n{diag}");
        if (cadence is { } c)
        {
            Assert.NotNull(result.CadenceSpm);
            Assert.InRange(result.CadenceSpm!.Value, c * 0.95, c * 1.05);
        }
        if (activity is "squats" or "jumping" or "push-ups")
        {
            var kind = activity switch { "squats" => ExerciseKind.Squats, "jumping" => ExerciseKind.Jumping, _ => ExerciseKind.PushUps };
            Assert.Contains(result.Segments, s => s.Activity == ActivityKind.Exercising && s.Exercise == kind);
        }
    }

    [Theory]
    [InlineData(95)]
    [InlineData(120)]
    [InlineData(150)]
    [InlineData(175)]
    public void Cadence_is_within_five_percent(double spm)
    {
        var running = spm >= 140;
        var gen = new SyntheticPose((int)spm);
        var cam = new Camera(0, 5, 150);
        var obs = Enumerable.Range(0, (int)(Seconds * Fps)).Select(i =>
        {
            var t = i / Fps;
            return new PoseObservation(t, gen.Project(SyntheticPose.Skeleton(SyntheticPose.Gait(t, spm, running)), cam), null, []);
        }).ToArray();
        var result = Classifier().Classify(obs, Seconds);
        Assert.Equal(running ? ActivityKind.Running : ActivityKind.Walking, result.Dominant);
        Assert.InRange(result.CadenceSpm!.Value, spm * 0.95, spm * 1.05);
    }

    private static WindowFeatures Legs(double legsCadence, double bounceCadence, double bounceClarity) =>
        new WindowFeatures(0, 0, 170, 170, 0.5, 0.6, 120 / legsCadence, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
            with { BouncePeriodSeconds = 60 / bounceCadence, BouncePeriodicity = bounceClarity };

    [Fact]
    public void A_clear_bounce_at_twice_the_legs_rate_doubles_the_reported_cadence_but_not_the_models_input()
    {
        // The legs repeat 85 times a minute (a stride read as a step: a runner seen from behind); the torso bounces 170.
        var halved = Legs(85, bounceCadence: 170, bounceClarity: 0.7);
        Assert.Equal(170, halved.CadenceSpm, 6);
        Assert.Equal(85, halved.LegsCadenceSpm, 6);
        var cadenceFeature = ActivityFeatureVector.Names.ToList().IndexOf("cadenceSpm");
        Assert.Equal(85, ActivityFeatureVector.Of(halved)[cadenceFeature], 3);

        // A faint bounce, or one that is not about twice the legs' rate, changes nothing.
        Assert.Equal(85, Legs(85, bounceCadence: 170, bounceClarity: 0.3).CadenceSpm, 6);
        Assert.Equal(85, Legs(85, bounceCadence: 85, bounceClarity: 0.9).CadenceSpm, 6);
        Assert.Equal(120, Legs(120, bounceCadence: 170, bounceClarity: 0.9).CadenceSpm, 6);
    }

    [Fact]
    public void A_clip_with_two_activities_gets_two_segments_and_both_in_the_activities_file()
    {
        var gen = new SyntheticPose(7);
        var cam = new Camera(0, 5, 150);
        var obs = Enumerable.Range(0, 160).Select(i =>
        {
            var t = i / Fps;
            var joints = t < 8 ? SyntheticPose.Standing(t) : SyntheticPose.Gait(t, 110, false);
            return new PoseObservation(t, gen.Project(SyntheticPose.Skeleton(joints), cam), null, []);
        }).ToArray();
        var result = Classifier().Classify(obs, 16);

        Assert.Equal(ActivityKind.Standing, result.Segments[0].Activity);
        Assert.Equal(ActivityKind.Walking, result.Segments[^1].Activity);
        var change = result.Segments.First(s => s.Activity == ActivityKind.Walking).Start;
        Assert.InRange(change, 6.5, 9.5);
        Assert.Equal(["standing", "walking"], result.ToDetectedActivitiesText().Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.Equal(0, result.Segments[0].Start);
        Assert.Equal(16, result.Segments[^1].End);
    }

    [Fact]
    public void No_person_reads_unknown_and_lists_no_activity()
    {
        var obs = Enumerable.Range(0, 40).Select(i => new PoseObservation(i / Fps, null, null, [])).ToArray();
        var result = Classifier().Classify(obs, 4);
        Assert.Equal(ActivityKind.Unknown, result.Dominant);
        Assert.Empty(result.Activities);
        Assert.Equal("", result.ToDetectedActivitiesText());
    }

    [Theory]
    [InlineData("sleeping", ActivityKind.Lying)]
    [InlineData("Jogging", ActivityKind.Running)]
    [InlineData("squats", ActivityKind.Exercising)]
    [InlineData("cycling", ActivityKind.Cycling)]
    public void Folder_names_map_to_activities(string name, ActivityKind kind) => Assert.Equal(kind, ActivityNames.Parse(name));

    internal static (PoseObservation[] Observations, ActivityKind Expected, double? Cadence) Generate(string activity, string view, double pixelsPerMetre, int seed)
    {
        var cam = view switch
        {
            "side" => new Camera(0, 5, pixelsPerMetre),
            "front" => new Camera(90, 12, pixelsPerMetre),
            _ => new Camera(45, 25, pixelsPerMetre),
        };
        var gen = new SyntheticPose(seed);
        var treadmill = activity.EndsWith("treadmill", StringComparison.Ordinal) || view != "side";
        var list = new List<PoseObservation>();
        for (var i = 0; i < (int)(Seconds * Fps); i++)
        {
            var t = i / Fps;
            (double X, double Y, double Z)[] points = activity switch
            {
                "walking" or "walking-treadmill" => SyntheticPose.Skeleton(SyntheticPose.Gait(t, 105, false, treadmill ? 0 : 0.5)),
                "running" or "running-treadmill" => SyntheticPose.Skeleton(SyntheticPose.Gait(t, 165, true, treadmill ? 0 : 1.0)),
                "standing" => SyntheticPose.Skeleton(SyntheticPose.Standing(t)),
                "sitting" => SyntheticPose.Skeleton(SyntheticPose.Sitting(t)),
                "lying" => SyntheticPose.Skeleton(SyntheticPose.Lying(t)),
                "squats" => SyntheticPose.Skeleton(SyntheticPose.Squat(t)),
                "jumping" => SyntheticPose.Skeleton(SyntheticPose.Jumping(t)),
                "cycling" => SyntheticPose.Skeleton(SyntheticPose.Cycling(t)),
                "push-ups" => SyntheticPose.PushUp(t),
                _ => throw new ArgumentException(activity),
            };
            var pose = gen.Project(points, cam);
            IReadOnlyList<ImageBox> bikes = activity == "cycling" ? [SyntheticPose.BicycleBox(cam, 0)] : [];
            list.Add(new PoseObservation(t, pose, pose.Crop, bikes));
        }
        var expected = activity switch
        {
            "walking" or "walking-treadmill" => ActivityKind.Walking,
            "running" or "running-treadmill" => ActivityKind.Running,
            "standing" => ActivityKind.Standing,
            "sitting" => ActivityKind.Sitting,
            "lying" => ActivityKind.Lying,
            "cycling" => ActivityKind.Cycling,
            _ => ActivityKind.Exercising,
        };
        double? cadence = activity.StartsWith("walking", StringComparison.Ordinal) ? 105 : activity.StartsWith("running", StringComparison.Ordinal) ? 165 : null;
        return (list.ToArray(), expected, cadence);
    }

    internal static string Describe(ActivityResult result) =>
        string.Join("\n", result.Segments.Select(s => $"  {s.Start:F1}-{s.End:F1} {s.Label} {s.Confidence:F2} {s.Exercise} {s.CadenceSpm:F0}")) + "\n" +
        string.Join("\n", result.Windows.Take(4).Select(w => $"  w {w.Start:F1} {w.Activity} {w.Confidence:F2} {w.Features}"));

    [Fact]
    public void A_tie_in_time_goes_to_the_moving_activity_and_a_longer_rest_still_wins()
    {
        // Push-ups with as long in the plank around them (1.25 + 1.25 s lying, 2.5 s exercising).
        var tie = new ActivityResult(5,
        [
            new ActivitySegment(0, 1.25, ActivityKind.Lying, 0.9),
            new ActivitySegment(1.25, 3.75, ActivityKind.Exercising, 0.9, ExerciseKind.PushUps),
            new ActivitySegment(3.75, 5, ActivityKind.Lying, 0.9),
        ], [], null);
        Assert.Equal(ActivityKind.Exercising, tie.Dominant);
        Assert.Equal([ActivityKind.Exercising, ActivityKind.Lying], tie.Activities);

        var longerRest = new ActivityResult(5,
        [
            new ActivitySegment(0, 1.5, ActivityKind.Lying, 0.9),
            new ActivitySegment(1.5, 3.75, ActivityKind.Exercising, 0.9, ExerciseKind.PushUps),
            new ActivitySegment(3.75, 5, ActivityKind.Lying, 0.9),
        ], [], null);
        Assert.Equal(ActivityKind.Lying, longerRest.Dominant);
    }
}
