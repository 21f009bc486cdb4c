using BlazorMood.Training.Activity;
using BlazorMood.Vision;

namespace BlazorMood.Training.Tests;

public sealed class BvhMotionTests
{
    // A known skeleton in centimetres: hips 88 cm up, legs of 45 + 43 cm, arms out sideways at the chest.
    // Frame 0 stands still; frame 1 moves the root 10 cm along x and lifts the left thigh forward by 90° (X rotation -90).
    private const string KnownSkeleton = """
        HIERARCHY
        ROOT Hips
        {
          OFFSET 0 0 0
          CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
          JOINT Chest
          {
            OFFSET 0 50 0
            CHANNELS 3 Zrotation Xrotation Yrotation
            JOINT Neck
            {
              OFFSET 0 5 0
              CHANNELS 3 Zrotation Xrotation Yrotation
              JOINT Head
              {
                OFFSET 0 10 0
                CHANNELS 3 Zrotation Xrotation Yrotation
                End Site
                {
                  OFFSET 0 15 0
                }
              }
            }
            JOINT UpperArm_L
            {
              OFFSET 20 0 0
              CHANNELS 3 Zrotation Xrotation Yrotation
              JOINT LowerArm_L
              {
                OFFSET 0 -30 0
                CHANNELS 3 Zrotation Xrotation Yrotation
                JOINT Hand_L
                {
                  OFFSET 0 -25 0
                  CHANNELS 3 Zrotation Xrotation Yrotation
                  End Site
                  {
                    OFFSET 0 -5 0
                  }
                }
              }
            }
            JOINT UpperArm_R
            {
              OFFSET -20 0 0
              CHANNELS 3 Zrotation Xrotation Yrotation
              JOINT LowerArm_R
              {
                OFFSET 0 -30 0
                CHANNELS 3 Zrotation Xrotation Yrotation
                JOINT Hand_R
                {
                  OFFSET 0 -25 0
                  CHANNELS 3 Zrotation Xrotation Yrotation
                  End Site
                  {
                    OFFSET 0 -5 0
                  }
                }
              }
            }
          }
          JOINT UpperLeg_L
          {
            OFFSET 10 0 0
            CHANNELS 3 Zrotation Xrotation Yrotation
            JOINT LowerLeg_L
            {
              OFFSET 0 -45 0
              CHANNELS 3 Zrotation Xrotation Yrotation
              JOINT Foot_L
              {
                OFFSET 0 -43 0
                CHANNELS 3 Zrotation Xrotation Yrotation
                End Site
                {
                  OFFSET 0 0 10
                }
              }
            }
          }
          JOINT UpperLeg_R
          {
            OFFSET -10 0 0
            CHANNELS 3 Zrotation Xrotation Yrotation
            JOINT LowerLeg_R
            {
              OFFSET 0 -45 0
              CHANNELS 3 Zrotation Xrotation Yrotation
              JOINT Foot_R
              {
                OFFSET 0 -43 0
                CHANNELS 3 Zrotation Xrotation Yrotation
                End Site
                {
                  OFFSET 0 0 10
                }
              }
            }
          }
        }
        MOTION
        Frames: 2
        Frame Time: 0.0333333
        0 88 0 0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0
        10 88 0 0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0  0 -90 0  0 0 0  0 0 0  0 0 0  0 0 0  0 0 0
        """;

    private static void Near(Vec3 expected, Vec3 actual) =>
        Assert.True((expected - actual).Length < 1e-6, $"expected {expected}, got {actual}");

    [Fact]
    public void ForwardKinematicsPutsTheKnownSkeletonsJointsWhereTheyAreInMetres()
    {
        var motion = BvhMotion.Parse(KnownSkeleton);

        Assert.Equal(2, motion.Frames.Count);
        Assert.Equal(0.0333333, motion.FrameTimeSeconds, 6);
        // The median leg (hip to ankle) is 88 units long, so 1 unit = 1 cm.
        var still = motion.Frames[0];
        Near(new Vec3(0.10, 0.88, 0), still[(int)BodyPart.LeftHip]);
        Near(new Vec3(0.10, 0.43, 0), still[(int)BodyPart.LeftKnee]);
        Near(new Vec3(0.10, 0.00, 0), still[(int)BodyPart.LeftAnkle]);
        Near(new Vec3(-0.10, 0.00, 0), still[(int)BodyPart.RightAnkle]);
        Near(new Vec3(0.20, 1.38, 0), still[(int)BodyPart.LeftShoulder]);
        Near(new Vec3(0.20, 1.08, 0), still[(int)BodyPart.LeftElbow]);
        Near(new Vec3(-0.20, 0.83, 0), still[(int)BodyPart.RightWrist]);

        // Frame 1: the root moved 10 cm; the left thigh points forward (+z), the shin stays in line with it.
        var lifted = motion.Frames[1];
        Near(new Vec3(0.20, 0.88, 0), lifted[(int)BodyPart.LeftHip]);
        Near(new Vec3(0.20, 0.88, 0.45), lifted[(int)BodyPart.LeftKnee]);
        Near(new Vec3(0.20, 0.88, 0.88), lifted[(int)BodyPart.LeftAnkle]);
        Near(new Vec3(0.00, 0.00, 0), lifted[(int)BodyPart.RightAnkle]);
    }

    [Fact]
    public void TheFaceIsPlacedOnTheSideTheShouldersFace()
    {
        // Left shoulder at +x with y up: the person faces +z.
        var p = BvhMotion.Parse(KnownSkeleton).Frames[0];
        var head = 0.88 + 0.50 + 0.05 + 0.10;
        Assert.True(p[(int)BodyPart.Nose].Z > 0.05, "the nose is in front of the head");
        Assert.True(p[(int)BodyPart.LeftEar].Z < p[(int)BodyPart.Nose].Z);
        Assert.True(p[(int)BodyPart.LeftEye].X > 0 && p[(int)BodyPart.RightEye].X < 0, "eyes on their own sides");
        Assert.InRange(p[(int)BodyPart.Nose].Y, head, head + 0.15);
    }

    [Fact]
    public void TextThatIsNotBvhOrLacksALimbIsRefused()
    {
        Assert.Throws<FormatException>(() => BvhMotion.Parse("not a bvh file"));
        var noLeftLeg = KnownSkeleton.Replace("UpperLeg_L", "Tail", StringComparison.Ordinal);
        var e = Assert.Throws<FormatException>(() => BvhMotion.Parse(noLeftLeg));
        Assert.Contains("LeftHip", e.Message, StringComparison.Ordinal);
    }
}
