using BlazorMood.Training.Activity;
using BlazorMood.Video;

namespace BlazorMood.Training.Tests;

public sealed class ReferenceCadenceTests
{
    private static PoseObservation[] Film(Func<double, SyntheticPose.Joints> motion, Camera camera, double seconds = 6, double fps = 30, int seed = 5)
    {
        var body = new SyntheticPose(seed);
        return Enumerable.Range(0, (int)(seconds * fps)).Select(i =>
        {
            var t = i / fps;
            return new PoseObservation(t, body.Project(SyntheticPose.Skeleton(motion(t)), camera), null, []);
        }).ToArray();
    }

    [Theory]
    [InlineData(170, true, 0)]
    [InlineData(170, true, 90)]
    [InlineData(150, true, 45)]
    [InlineData(110, false, 0)]
    [InlineData(95, false, 90)]
    public void Counts_the_steps_of_a_runner_or_walker_from_any_side_within_three_percent(double spm, bool running, double azimuth)
    {
        var counted = ReferenceCadence.StepsPerMinute(Film(t => SyntheticPose.Gait(t, spm, running), new Camera(azimuth, 5, 150)));

        Assert.NotNull(counted);
        Assert.InRange(counted.Value, spm * 0.97, spm * 1.03);
    }

    [Fact]
    public void A_person_standing_still_has_no_regular_bounce_and_gets_no_reference()
    {
        var counted = ReferenceCadence.StepsPerMinute(Film(SyntheticPose.Standing, new Camera(0, 5, 150)));

        Assert.Null(counted);
    }

    [Fact]
    public void Too_short_a_clip_to_count_four_steps_gets_no_reference()
    {
        var counted = ReferenceCadence.StepsPerMinute(Film(t => SyntheticPose.Gait(t, 100, false), new Camera(0, 5, 150), seconds: 1.5));

        Assert.Null(counted);
    }
}
