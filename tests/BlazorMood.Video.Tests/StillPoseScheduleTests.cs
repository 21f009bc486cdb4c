using BlazorMood.Training.Activity;
using BlazorMood.Vision;

namespace BlazorMood.Video.Tests;

public class StillPoseScheduleTests
{
    private const float MinScore = 0.3f;

    private static BodyPose Standing(double shiftX = 0, float score = 0.8f, int rotation = 0)
    {
        var pose = new SyntheticPose(1, 0, 0).Project(SyntheticPose.Skeleton(SyntheticPose.Standing(0)), new Camera(90, 0, 200));
        return pose with
        {
            RotationDegrees = rotation,
            Keypoints = pose.Keypoints.Select(k => k with { Position = new ImagePoint(k.Position.X + (float)shiftX, k.Position.Y), Score = score }).ToArray(),
        };
    }

    private static double TorsoPixels(BodyPose p) =>
        new ImagePoint((p[BodyPart.LeftShoulder].Position.X + p[BodyPart.RightShoulder].Position.X) / 2, (p[BodyPart.LeftShoulder].Position.Y + p[BodyPart.RightShoulder].Position.Y) / 2)
            .DistanceTo(new ImagePoint((p[BodyPart.LeftHip].Position.X + p[BodyPart.RightHip].Position.X) / 2, (p[BodyPart.LeftHip].Position.Y + p[BodyPart.RightHip].Position.Y) / 2));

    [Fact]
    public void Displacement_is_the_largest_keypoint_movement_in_torso_lengths()
    {
        var a = Standing();
        var torso = TorsoPixels(a);
        Assert.Equal(0, StillPoseSchedule.Displacement(a, a, MinScore), 6);
        Assert.Equal(0.1, StillPoseSchedule.Displacement(a, Standing(0.1 * torso), MinScore), 3);

        // One wrist moving further than the rest sets the figure.
        var waving = a with { Keypoints = a.Keypoints.Select(k => k.Part == BodyPart.LeftWrist ? k with { Position = new ImagePoint(k.Position.X, k.Position.Y - (0.5f * (float)torso)) } : k).ToArray() };
        Assert.Equal(0.5, StillPoseSchedule.Displacement(a, waving, MinScore), 3);

        // A keypoint below the score threshold in either pose does not count.
        var lowWrist = waving with { Keypoints = waving.Keypoints.Select(k => k.Part == BodyPart.LeftWrist ? k with { Score = 0.1f } : k).ToArray() };
        Assert.Equal(0, StillPoseSchedule.Displacement(a, lowWrist, MinScore), 6);

        // Poses that cannot be compared are never "still".
        Assert.Equal(double.PositiveInfinity, StillPoseSchedule.Displacement(a, Standing(rotation: 90), MinScore));
        Assert.Equal(double.PositiveInfinity, StillPoseSchedule.Displacement(a, Standing(score: 0.1f), MinScore));
    }

    [Fact]
    public void Interpolated_keypoints_lie_between_the_estimates_and_keep_the_lower_score()
    {
        var a = Standing();
        var b = Standing(30, score: 0.5f);
        var mid = StillPoseSchedule.Interpolate(a, b, 0.5);
        for (var i = 0; i < 17; i++)
        {
            Assert.Equal(a.Keypoints[i].Position.X + 15, mid.Keypoints[i].Position.X, 3);
            Assert.Equal(a.Keypoints[i].Position.Y, mid.Keypoints[i].Position.Y, 3);
            Assert.Equal(0.5f, mid.Keypoints[i].Score);
            Assert.Equal(a.Keypoints[i].Part, mid.Keypoints[i].Part);
        }
        Assert.Equal(0.5f, mid.Score, 3);

        Assert.Equal(new ImageBox(10, 10, 20, 40), StillPoseSchedule.InterpolateBox(new ImageBox(0, 0, 20, 40), new ImageBox(20, 20, 20, 40), 0.5));
        Assert.Equal(new ImageBox(0, 0, 20, 40), StillPoseSchedule.InterpolateBox(new ImageBox(0, 0, 20, 40), null, 0.5));
        Assert.Null(StillPoseSchedule.InterpolateBox(null, null, 0.5));
    }

    [Fact]
    public void Skips_only_after_two_agreeing_estimates_and_never_on_a_frame_that_must_be_estimated()
    {
        var schedule = new StillPoseSchedule(2, 0.1f, MinScore);
        Assert.False(schedule.TrySkip(false));
        Assert.False(schedule.OnEstimated(Standing()));
        Assert.False(schedule.TrySkip(false)); // one estimate: nothing to compare with yet
        Assert.False(schedule.OnEstimated(Standing(1)));
        Assert.True(schedule.IsStill);
        Assert.False(schedule.TrySkip(mustEstimate: true)); // a detector frame
        Assert.False(schedule.OnEstimated(Standing(2)));
        Assert.True(schedule.TrySkip(false));
        Assert.False(schedule.TrySkip(false)); // every 2nd frame at most
        Assert.True(schedule.OnEstimated(Standing(3))); // agrees: the held frame is interpolated
        Assert.True(schedule.TrySkip(false));
        Assert.False(schedule.OnEstimated(Standing(300))); // moved: the held frame must be estimated
        Assert.False(schedule.IsStill);
        Assert.False(schedule.TrySkip(false));
        Assert.False(schedule.OnEstimated(null)); // nobody: not still
        Assert.False(schedule.TrySkip(false));

        var never = new StillPoseSchedule(1, 0.1f, MinScore);
        never.OnEstimated(Standing());
        never.OnEstimated(Standing());
        Assert.False(never.TrySkip(false));
    }

    public static TheoryData<string, string, double, int> Cases() => ClassifierTests.Cases();

    /// <summary>
    /// The pipeline's use of the schedule, on a pose track generated from the biomechanical model: held frames get
    /// interpolated keypoints when the next estimate agrees, and the generated pose otherwise (as if estimated).
    /// </summary>
    internal static (PoseObservation[] Observations, int Interpolated) Schedule(IReadOnlyList<PoseObservation> full, int every = 2, float still = 0.1f)
    {
        var schedule = new StillPoseSchedule(every, still, MinScore);
        var result = new PoseObservation[full.Count];
        var held = new List<int>();
        var last = -1;
        var interpolated = 0;
        for (var i = 0; i < full.Count; i++)
        {
            if (schedule.TrySkip(false))
            {
                held.Add(i);
                continue;
            }
            var interpolate = schedule.OnEstimated(full[i].Pose);
            for (var k = 0; k < held.Count; k++)
            {
                var j = held[k];
                var f = (k + 1) / (double)(held.Count + 1);
                result[j] = interpolate
                    ? full[j] with { Pose = StillPoseSchedule.Interpolate(full[last].Pose!, full[i].Pose!, f), PersonBox = StillPoseSchedule.InterpolateBox(full[last].PersonBox, full[i].PersonBox, f) }
                    : full[j];
                interpolated += interpolate ? 1 : 0;
            }
            held.Clear();
            result[i] = full[i];
            last = i;
        }
        foreach (var j in held)
        {
            result[j] = full[j];
        }
        return (result, interpolated);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Skipping_still_frames_changes_no_activity_no_exercise_and_no_cadence(string activity, string view, double pixelsPerMetre, int seed)
    {
        var (full, expected, cadence) = ClassifierTests.Generate(activity, view, pixelsPerMetre, seed);
        var (observations, interpolated) = Schedule(full);
        var result = ClassifierTests.Classifier().Classify(observations, full.Length / 10.0);
        var reference = ClassifierTests.Classifier().Classify(full, full.Length / 10.0);

        var diag = $"{interpolated} of {full.Length} interpolated\n" + ClassifierTests.Describe(result);
        Assert.True(result.Dominant == expected, $"{activity}/{view}/{pixelsPerMetre}: got {result.Dominant}\n{diag}");
        var share = result.Segments.Where(s => s.Activity == expected).Sum(s => s.Duration) / (full.Length / 10.0);
        Assert.True(share >= 0.8, $"{activity}/{view}: only {share:P0} {expected}\n{diag}");
        if (cadence is { } c)
        {
            Assert.InRange(result.CadenceSpm!.Value, c * 0.95, c * 1.05);
            Assert.InRange(result.CadenceSpm!.Value, reference.CadenceSpm!.Value * 0.98, reference.CadenceSpm!.Value * 1.02);
        }
        if (activity is "squats" or "jumping" or "push-ups")
        {
            var kind = activity switch { "squats" => ExerciseKind.Squats, "jumping" => ExerciseKind.Jumping, _ => ExerciseKind.PushUps };
            Assert.Contains(result.Segments, s => s.Activity == ActivityKind.Exercising && s.Exercise == kind);
        }
    }

    [Theory]
    [InlineData("running", 0.0)]
    [InlineData("running-treadmill", 0.0)]
    [InlineData("walking-treadmill", 0.0)]
    [InlineData("jumping", 0.0)]
    [InlineData("standing", 0.4)]
    [InlineData("sitting", 0.4)]
    [InlineData("lying", 0.4)]
    public void A_still_person_is_estimated_about_every_other_frame_and_a_moving_one_every_frame(string activity, double minShare)
    {
        // MoveNet's jitter on a still person in a real clip is ≈ 0.01 torso lengths (bench clip); the classifier tests' 0.03 is harsher.
        var gen = new SyntheticPose(5, noiseTorsoFraction: 0.01);
        var cam = new Camera(0, 5, 150);
        var full = Enumerable.Range(0, 80).Select(i =>
        {
            var t = i / 10.0;
            var joints = activity switch
            {
                "running" => SyntheticPose.Gait(t, 165, true, 1.0),
                "running-treadmill" => SyntheticPose.Gait(t, 165, true),
                "walking-treadmill" => SyntheticPose.Gait(t, 105, false),
                "jumping" => SyntheticPose.Jumping(t),
                "standing" => SyntheticPose.Standing(t),
                "sitting" => SyntheticPose.Sitting(t),
                _ => SyntheticPose.Lying(t),
            };
            return new PoseObservation(t, gen.Project(SyntheticPose.Skeleton(joints), cam), null, []);
        }).ToArray();
        var (_, interpolated) = Schedule(full);
        var share = interpolated / (double)full.Length;
        if (minShare == 0)
        {
            Assert.True(share <= 0.05, $"{activity}: {share:P0} interpolated");
        }
        else
        {
            Assert.InRange(share, minShare, 0.5);
        }
    }
}
