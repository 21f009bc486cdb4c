using BlazorMood.Training.Activity;
using BlazorMood.Video;
using BlazorMood.Vision;
using Microsoft.Extensions.Options;

namespace BlazorMood.Training.Tests;

public sealed class VirtualCameraTests
{
    private static readonly ActivityClassifier Tree = new(Options.Create(new VideoOptions()));

    private static MotionClip Clip(string label, int seed = 3) =>
        SyntheticMotions.Generate(1, seed).Single(c => c.Label == label);

    [Fact]
    public void TheSameSeedFilmsTheSameObservations()
    {
        var clip = Clip("walking");
        var a = VirtualCamera.Film(clip, new Random(7));
        var b = VirtualCamera.Film(clip, new Random(7));
        var c = VirtualCamera.Film(clip, new Random(8));

        Assert.Equal(a.Count, b.Count);
        Assert.True(a.Zip(b).All(p => p.First.Pose?.Keypoints.SequenceEqual(p.Second.Pose!.Keypoints) ?? p.Second.Pose is null));
        Assert.False(a.Zip(c).All(p => p.First.Pose?.Keypoints.SequenceEqual(p.Second.Pose?.Keypoints ?? []) ?? false));
    }

    [Fact]
    public void FramesComeAtTheSampleRateAndThePersonFitsTheFrame()
    {
        var clip = Clip("standing");
        for (var seed = 0; seed < 20; seed++)
        {
            var seen = VirtualCamera.Film(clip, new Random(seed)).Where(o => o.Pose is not null).ToArray();
            Assert.InRange(seen.Length, 50, 60); // 6 s at 10 frames a second, a few frames missed on purpose
            var gaps = seen.Zip(seen.Skip(1), (x, y) => y.TimeSeconds - x.TimeSeconds).ToArray();
            Assert.True(gaps.Min() > 0.099, $"seed {seed}: frames closer than the sample rate");
            foreach (var o in seen)
            {
                var ankle = o.Pose![BodyPart.LeftAnkle].Position.Y;
                var shoulder = o.Pose[BodyPart.LeftShoulder].Position.Y;
                Assert.True(ankle > shoulder, $"seed {seed}: the standing person's ankle must be below the shoulder in the image");
            }
        }
    }

    [Fact]
    public void AStandingPersonIsUprightAndALyingOneHorizontalFromAnySide()
    {
        for (var seed = 0; seed < 12; seed++)
        {
            var standing = Angle(Clip("standing"), seed);
            var lying = Angle(Clip("lying"), seed);
            Assert.True(standing < 30, $"seed {seed}: standing torso at {standing:F0}°");
            // Seen from the head or the feet a lying torso is foreshortened, not vertical: still well off upright.
            Assert.True(lying > 45, $"seed {seed}: lying torso at {lying:F0}°");
        }

        static double Angle(MotionClip clip, int seed)
        {
            var observations = VirtualCamera.Film(clip, new Random(seed));
            var f = Tree.ExtractFeatures(observations, 3);
            Assert.NotNull(f);
            return f.TorsoAngleDegrees;
        }
    }

    [Fact]
    public void JumpingJacksSpreadTheFeetAndRaiseTheArmsUnlikeSquatsAndWalking()
    {
        WindowFeatures Features(string label) => Tree.ExtractFeatures(VirtualCamera.Film(Clip(label), new Random(1)), 3)!;
        var jacks = SyntheticMotions.Generate(8, 5).Where(c => c.Label == "jumping").Select(c => Tree.ExtractFeatures(VirtualCamera.Film(c, new Random(2)), 3)!).ToArray();
        var walking = Features("walking");
        var squats = Features("squats");

        Assert.True(jacks.Count(j => j.WristAboveShoulder > 0.1) >= 4, "jumping jacks (most of the jumping clips) bring the wrists over the shoulders");
        Assert.Equal(0, walking.WristAboveShoulder, 2);
        Assert.True(jacks.Max(j => j.AnkleSpreadStd) > 2 * squats.AnkleSpreadStd, "feet apart and together");
        Assert.True(walking.ArmSwing > 0.02, "walkers swing their arms");
    }
}
