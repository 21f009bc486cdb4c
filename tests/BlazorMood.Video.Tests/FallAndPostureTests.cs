using BlazorMood.Training.Activity;
using BlazorMood.Vision;

namespace BlazorMood.Video.Tests;

/// <summary>
/// The fall flag on the body model (a fall is a fast change from upright to down that stays down; lying down slowly,
/// squatting and walking are not falls) and the posture features that tell a plank from lying and a squat from standing.
/// </summary>
public class FallAndPostureTests
{
    private const double Fps = 10;

    /// <summary>Standing, then going down to lying over <paramref name="downSeconds"/> from <paramref name="startSeconds"/>, then lying.</summary>
    private static PoseObservation[] StandThenLie(double startSeconds, double downSeconds, double totalSeconds, Camera cam, int seed = 1)
    {
        var gen = new SyntheticPose(seed);
        var list = new List<PoseObservation>();
        for (var i = 0; i < (int)(totalSeconds * Fps); i++)
        {
            var t = i / Fps;
            var k = Math.Clamp((t - startSeconds) / downSeconds, 0, 1);
            var standing = SyntheticPose.Standing(t);
            var lying = SyntheticPose.Lying(t);
            var joints = standing with
            {
                BodyPitch = k * lying.BodyPitch,
                PelvisY = standing.PelvisY + (k * (lying.PelvisY - standing.PelvisY)),
            };
            var pose = gen.Project(SyntheticPose.Skeleton(joints), cam);
            list.Add(new PoseObservation(t, pose, pose.Crop, []));
        }
        return list.ToArray();
    }

    private static PoseObservation[] Film(Func<double, (double X, double Y, double Z)[]> body, double seconds, Camera cam, int seed = 1)
    {
        var gen = new SyntheticPose(seed);
        return Enumerable.Range(0, (int)(seconds * Fps)).Select(i =>
        {
            var pose = gen.Project(body(i / Fps), cam);
            return new PoseObservation(i / Fps, pose, pose.Crop, []);
        }).ToArray();
    }

    [Theory]
    [InlineData(0, 150)]
    [InlineData(45, 80)]
    public void A_fast_fall_from_standing_to_lying_is_flagged_once_near_its_time(double azimuth, double pixelsPerMetre)
    {
        var observations = StandThenLie(startSeconds: 2, downSeconds: 0.6, totalSeconds: 6, new Camera(azimuth, 5, pixelsPerMetre));

        var falls = FallDetector.Detect(observations, 0.3f);

        var fall = Assert.Single(falls);
        Assert.InRange(fall, 2, 3);
    }

    [Fact]
    public void Lying_down_slowly_over_four_seconds_is_not_a_fall()
    {
        var observations = StandThenLie(startSeconds: 1, downSeconds: 4, totalSeconds: 8, new Camera(0, 5, 150));

        Assert.Empty(FallDetector.Detect(observations, 0.3f));
    }

    [Theory]
    [InlineData("squats")]
    [InlineData("walking")]
    [InlineData("jumping")]
    public void Upright_activities_that_go_up_and_down_are_not_falls(string activity)
    {
        var observations = Film(t => activity switch
        {
            "squats" => SyntheticPose.Skeleton(SyntheticPose.Squat(t, 1.5)),
            "walking" => SyntheticPose.Skeleton(SyntheticPose.Gait(t, 110, false)),
            _ => SyntheticPose.Skeleton(SyntheticPose.Jumping(t)),
        }, 8, new Camera(0, 5, 150));

        Assert.Empty(FallDetector.Detect(observations, 0.3f));
    }

    [Fact]
    public void The_classifier_reports_the_fall_with_its_timeline()
    {
        var observations = StandThenLie(startSeconds: 2, downSeconds: 0.5, totalSeconds: 6, new Camera(0, 5, 150));

        var result = ClassifierTests.Classifier().Classify(observations, 6);

        Assert.Single(result.Falls);
    }

    [Fact]
    public void In_a_plank_the_hands_are_an_arm_below_the_shoulders_and_the_shoulders_above_the_feet_lying_they_are_level()
    {
        var cam = new Camera(0, 5, 150);
        var plank = ClassifierTests.Classifier().ExtractFeatures(Film(t => SyntheticPose.PushUp(t), 6, cam), 3)!;
        var lying = ClassifierTests.Classifier().ExtractFeatures(Film(t => SyntheticPose.Skeleton(SyntheticPose.Lying(t)), 6, cam), 3)!;

        Assert.True(plank.WristBelowShoulder > 0.6, $"plank: hands {plank.WristBelowShoulder:F2} torso lengths below the shoulders");
        Assert.True(lying.WristBelowShoulder < 0.45, $"lying: hands {lying.WristBelowShoulder:F2} torso lengths below the shoulders");
        Assert.True(plank.ShoulderAboveAnkles > lying.ShoulderAboveAnkles + 0.3, $"shoulders above the feet: plank {plank.ShoulderAboveAnkles:F2}, lying {lying.ShoulderAboveAnkles:F2}");
    }

    [Theory]
    [InlineData(0, 150)]
    [InlineData(90, 60)]
    public void Squats_move_the_hips_up_and_down_standing_does_not(double azimuth, double pixelsPerMetre)
    {
        var cam = new Camera(azimuth, 8, pixelsPerMetre);
        var squats = ClassifierTests.Classifier().ExtractFeatures(Film(t => SyntheticPose.Skeleton(SyntheticPose.Squat(t, 2.5)), 6, cam), 3)!;
        var standing = ClassifierTests.Classifier().ExtractFeatures(Film(t => SyntheticPose.Skeleton(SyntheticPose.Standing(t)), 6, cam), 3)!;

        Assert.True(squats.HipVerticalRange > 0.5, $"squat hip range {squats.HipVerticalRange:F2} torso lengths");
        Assert.True(standing.HipVerticalRange < 0.15, $"standing hip range {standing.HipVerticalRange:F2} torso lengths");
    }

    [Fact]
    public void Seen_from_the_side_the_deepest_knee_bend_of_a_squat_is_far_below_standing()
    {
        var cam = new Camera(0, 5, 150);
        var squats = ClassifierTests.Classifier().ExtractFeatures(Film(t => SyntheticPose.Skeleton(SyntheticPose.Squat(t, 2.5)), 6, cam), 3)!;
        var standing = ClassifierTests.Classifier().ExtractFeatures(Film(t => SyntheticPose.Skeleton(SyntheticPose.Standing(t)), 6, cam), 3)!;

        Assert.True(squats.KneeAngleMin < 130, $"deepest squat knee {squats.KneeAngleMin:F0}°");
        Assert.True(standing.KneeAngleMin > 160, $"standing knee {standing.KneeAngleMin:F0}°");
    }
}
