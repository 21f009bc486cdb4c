using System.Globalization;
using BlazorMood.Vision;

namespace BlazorMood.Training.Activity;

/// <summary>
/// A BVH motion-capture file reduced to what the activity model needs: the 17 COCO keypoints in 3D, in metres, y up,
/// at the file's frame rate. Forward kinematics follows the BVH convention: a joint's world transform is its parent's
/// times a translation (its position channels when it has them, else its OFFSET) times its rotation channels in the
/// order they are listed. Joint names of the two rigs in the development recipes are recognised (Bandai-Namco:
/// <c>UpperArm_L</c>…; CMU as converted for Poser/DAZ: <c>lShldr</c>…; and the common <c>LeftArm</c>… names).
/// Faces are not captured, so nose, eyes and ears are placed from the head joint and the way the shoulders face.
/// </summary>
public sealed class BvhMotion
{
    private BvhMotion(double frameTime, Vec3[][] frames)
    {
        FrameTimeSeconds = frameTime;
        Frames = frames;
    }

    public double FrameTimeSeconds { get; }

    /// <summary>Per frame, the 17 keypoints in <see cref="BodyPart"/> order (metres, y up).</summary>
    public IReadOnlyList<Vec3[]> Frames { get; }

    public double DurationSeconds => Frames.Count * FrameTimeSeconds;

    private static readonly Dictionary<BodyPart, string[]> JointNames = new()
    {
        [BodyPart.LeftShoulder] = ["UpperArm_L", "lShldr", "LeftArm"],
        [BodyPart.RightShoulder] = ["UpperArm_R", "rShldr", "RightArm"],
        [BodyPart.LeftElbow] = ["LowerArm_L", "lForeArm", "LeftForeArm"],
        [BodyPart.RightElbow] = ["LowerArm_R", "rForeArm", "RightForeArm"],
        [BodyPart.LeftWrist] = ["Hand_L", "lHand", "LeftHand"],
        [BodyPart.RightWrist] = ["Hand_R", "rHand", "RightHand"],
        [BodyPart.LeftHip] = ["UpperLeg_L", "lThigh", "LeftUpLeg"],
        [BodyPart.RightHip] = ["UpperLeg_R", "rThigh", "RightUpLeg"],
        [BodyPart.LeftKnee] = ["LowerLeg_L", "lShin", "LeftLeg"],
        [BodyPart.RightKnee] = ["LowerLeg_R", "rShin", "RightLeg"],
        [BodyPart.LeftAnkle] = ["Foot_L", "lFoot", "LeftFoot"],
        [BodyPart.RightAnkle] = ["Foot_R", "rFoot", "RightFoot"],
    };

    private sealed class Joint
    {
        public required string Name { get; init; }
        public required int Parent { get; init; }
        public Vec3 Offset { get; set; }
        public List<string> Channels { get; } = [];
        public int ChannelStart { get; set; }
    }

    /// <summary>Parses BVH text. Throws <see cref="FormatException"/> when the file is not BVH or lacks a limb joint.</summary>
    public static BvhMotion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var joints = new List<Joint>();
        var stack = new Stack<int>();
        var i = 0;
        var channelCount = 0;
        string Next() => i < tokens.Length ? tokens[i++] : throw new FormatException("unexpected end of BVH file");
        double Num() => double.Parse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (Next() != "HIERARCHY")
        {
            throw new FormatException("not a BVH file (no HIERARCHY)");
        }
        var lastWasEndSite = false;
        while (i < tokens.Length)
        {
            var t = Next();
            switch (t)
            {
                case "ROOT":
                case "JOINT":
                    joints.Add(new Joint { Name = Next(), Parent = stack.Count > 0 ? stack.Peek() : -1 });
                    lastWasEndSite = false;
                    break;
                case "End":
                    Next(); // "Site"
                    lastWasEndSite = true;
                    break;
                case "{":
                    stack.Push(lastWasEndSite ? -2 : joints.Count - 1);
                    break;
                case "}":
                    stack.Pop();
                    // An End Site's braces leave the enclosing joint on top again.
                    lastWasEndSite = false;
                    break;
                case "OFFSET":
                    var offset = new Vec3(Num(), Num(), Num());
                    if (stack.Count > 0 && stack.Peek() >= 0)
                    {
                        joints[stack.Peek()].Offset = offset;
                    }
                    break;
                case "CHANNELS":
                    var n = int.Parse(Next(), CultureInfo.InvariantCulture);
                    var joint = joints[stack.Peek()];
                    joint.ChannelStart = channelCount;
                    for (var c = 0; c < n; c++)
                    {
                        joint.Channels.Add(Next());
                    }
                    channelCount += n;
                    break;
                case "MOTION":
                    goto motion;
                default:
                    throw new FormatException($"unexpected BVH token '{t}'");
            }
            // A parent index of -2 marks an End Site on the stack; joints under it never occur.
            if (stack.Count > 0 && stack.Peek() == -2 && t == "{")
            {
                continue;
            }
        }
        throw new FormatException("BVH file has no MOTION section");

    motion:
        if (Next() != "Frames:")
        {
            throw new FormatException("BVH MOTION section lacks 'Frames:'");
        }
        var frameCount = int.Parse(Next(), CultureInfo.InvariantCulture);
        if (Next() != "Frame" || Next() != "Time:")
        {
            throw new FormatException("BVH MOTION section lacks 'Frame Time:'");
        }
        var frameTime = Num();
        if (!(frameTime > 0) || frameCount <= 0)
        {
            throw new FormatException("BVH file has no frames");
        }
        var index = new Dictionary<BodyPart, int>();
        foreach (var (part, names) in JointNames)
        {
            var found = joints.FindIndex(j => names.Any(n => string.Equals(n, j.Name, StringComparison.OrdinalIgnoreCase)));
            if (found < 0)
            {
                throw new FormatException($"BVH skeleton has no joint for {part} (looked for {string.Join(", ", names)})");
            }
            index[part] = found;
        }
        var head = joints.FindIndex(j => string.Equals(j.Name, "Head", StringComparison.OrdinalIgnoreCase));
        var neck = joints.FindIndex(j => string.Equals(j.Name, "Neck", StringComparison.OrdinalIgnoreCase));
        if (head < 0)
        {
            throw new FormatException("BVH skeleton has no Head joint");
        }

        var frames = new List<Vec3[]>(frameCount);
        var values = new double[channelCount];
        var world = new Mat4[joints.Count];
        for (var f = 0; f < frameCount && i + channelCount <= tokens.Length; f++)
        {
            for (var c = 0; c < channelCount; c++)
            {
                values[c] = Num();
            }
            for (var j = 0; j < joints.Count; j++)
            {
                var joint = joints[j];
                var translation = joint.Offset;
                var rotation = Mat4.Identity;
                for (var c = 0; c < joint.Channels.Count; c++)
                {
                    var v = values[joint.ChannelStart + c];
                    switch (joint.Channels[c])
                    {
                        case "Xposition": translation = translation with { X = v }; break;
                        case "Yposition": translation = translation with { Y = v }; break;
                        case "Zposition": translation = translation with { Z = v }; break;
                        case "Xrotation": rotation = rotation * Mat4.RotationX(v); break;
                        case "Yrotation": rotation = rotation * Mat4.RotationY(v); break;
                        case "Zrotation": rotation = rotation * Mat4.RotationZ(v); break;
                    }
                }
                var local = Mat4.Translation(translation) * rotation;
                world[j] = joint.Parent >= 0 ? world[joint.Parent] * local : local;
            }
            var points = new Vec3[17];
            foreach (var (part, j) in index)
            {
                points[(int)part] = world[j].Origin;
            }
            PlaceFace(points, world[head].Origin, neck >= 0 ? world[neck].Origin : (Vec3?)null);
            frames.Add(points);
        }
        return new BvhMotion(frameTime, NormaliseToMetres(frames));
    }

    /// <summary>Nose, eyes and ears from the head joint, facing where the shoulders face (a face is not captured).</summary>
    private static void PlaceFace(Vec3[] p, Vec3 head, Vec3? neck)
    {
        var shoulderMid = (p[(int)BodyPart.LeftShoulder] + p[(int)BodyPart.RightShoulder]) * 0.5;
        var hipMid = (p[(int)BodyPart.LeftHip] + p[(int)BodyPart.RightHip]) * 0.5;
        var up = (neck is { } n && (head - n).Length > 1e-6 ? head - n : shoulderMid - hipMid).Normalised();
        var left = (p[(int)BodyPart.LeftShoulder] - p[(int)BodyPart.RightShoulder]).Normalised();
        // Facing +z with y up, a person's left is +x: forward = left × up.
        var forward = Vec3.Cross(left, up).Normalised();
        var scale = (shoulderMid - hipMid).Length; // ≈ 0.5 m in an adult
        Vec3 At(double u, double f, double l) => head + (up * (u * scale)) + (forward * (f * scale)) + (left * (l * scale));
        p[(int)BodyPart.Nose] = At(0.16, 0.22, 0);
        p[(int)BodyPart.LeftEye] = At(0.24, 0.17, 0.065);
        p[(int)BodyPart.RightEye] = At(0.24, 0.17, -0.065);
        p[(int)BodyPart.LeftEar] = At(0.18, -0.02, 0.15);
        p[(int)BodyPart.RightEar] = At(0.18, -0.02, -0.15);
    }

    /// <summary>Units differ between rigs (centimetres, inches, scaled feet): scale so the median leg (hip to ankle) is 0.88 m.</summary>
    private static Vec3[][] NormaliseToMetres(List<Vec3[]> frames)
    {
        var legs = frames.SelectMany(p => new[]
        {
            (p[(int)BodyPart.LeftHip] - p[(int)BodyPart.LeftKnee]).Length + (p[(int)BodyPart.LeftKnee] - p[(int)BodyPart.LeftAnkle]).Length,
            (p[(int)BodyPart.RightHip] - p[(int)BodyPart.RightKnee]).Length + (p[(int)BodyPart.RightKnee] - p[(int)BodyPart.RightAnkle]).Length,
        }).Order().ToArray();
        var median = legs[legs.Length / 2];
        var s = median > 1e-9 ? 0.88 / median : 1;
        return frames.Select(p => p.Select(v => v * s).ToArray()).ToArray();
    }
}
