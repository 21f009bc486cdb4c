using BlazorMood.Video;
using BlazorMood.Vision;

namespace BlazorMood.Training.Activity;

/// <summary>
/// Films a <see cref="MotionClip"/> with a randomly placed perspective camera and reports what MoveNet would: 17
/// keypoints in image pixels with scores, sampled at the pipeline's rate, with MoveNet-like errors. The variety is
/// what a handful of real clips cannot give: any side (side, front, rear, three-quarter), eye level to a high CCTV
/// angle, near and far, landscape and portrait, a fixed camera the person crosses, a camera that pans along, or a
/// treadmill (the person stays in place). The errors: per-keypoint jitter that is correlated in time, a jittering crop
/// (the whole pose shifts and scales a little from frame to frame), keypoints hidden behind the body scored lower and
/// noisier, dropped keypoints (low score, wrong place), left/right swaps of the legs, and frames with nobody found.
/// </summary>
public static class VirtualCamera
{
    private enum Mode { Fixed, Follow, Treadmill }

    /// <summary>What the pipeline would observe, at <paramref name="sampleFps"/> frames a second.</summary>
    public static IReadOnlyList<PoseObservation> Film(MotionClip clip, Random random, double sampleFps = 10)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(random);
        var first = clip.At(0, out _);
        var root0 = HipMid(first);
        var up = new Vec3(0, 1, 0);
        var left0 = first[(int)BodyPart.LeftShoulder] - first[(int)BodyPart.RightShoulder];
        var facing = Vec3.Cross(new Vec3(left0.X, 0, left0.Z), up).Normalised();
        if (facing.Length < 0.5)
        {
            facing = new Vec3(0, 0, 1);
        }

        // The camera.
        var travel = HipMid(clip.At(clip.DurationSeconds, out _)) - root0;
        var moves = new Vec3(travel.X, 0, travel.Z).Length > 0.5;
        var mode = !moves ? Mode.Fixed : random.NextDouble() switch { < 0.4 => Mode.Treadmill, < 0.75 => Mode.Follow, _ => Mode.Fixed };
        var azimuth = random.NextDouble() * 2 * Math.PI;
        var elevation = (random.NextDouble() < 0.7 ? random.NextDouble() * 15 : 15 + (random.NextDouble() * 30)) * Math.PI / 180;
        var distance = 2.5 + (random.NextDouble() * 9.5);
        var (width, height) = random.NextDouble() switch { < 0.6 => (640, 360), < 0.75 => (640, 480), _ => (360, 640) };
        var personFraction = 0.25 + (random.NextDouble() * 0.6);
        var focal = personFraction * height * distance / 1.75;
        var horizontal = RotateY(facing, azimuth);
        var towardCamera = (horizontal * Math.Cos(elevation)) + (up * Math.Sin(elevation));
        // A fixed camera on a moving person looks at the middle of the path, so the person crosses the view.
        var fixedTarget = root0 + (mode == Mode.Fixed && moves ? travel * 0.5 : new Vec3(0, 0, 0));

        // The errors, per clip.
        var jitter = 0.01 + (random.NextDouble() * 0.035);     // keypoint noise, torso lengths
        var baseScore = 0.35 + (random.NextDouble() * 0.45);
        var dropRate = 0.02 + (random.NextDouble() * 0.1);
        var swapRate = random.NextDouble() * 0.04;
        var missRate = random.NextDouble() * 0.04;
        var ar = new Vec3[17];
        // The frame cuts the body off (a webcam or a portrait framing): the keypoints below the cut are outside the
        // image, and MoveNet reports them with low scores. Most common for people standing close to the camera.
        var cutChance = clip.Label switch { "standing" => 0.25, "walking" or "running" => 0.1, "sitting" => 0.05, _ => 0 };
        var cut = random.NextDouble() < cutChance ? 0.35 + (random.NextDouble() * 0.5) : double.NaN; // 0 = hips, 1 = ankles
        double cropX = 0, cropY = 0, cropScale = 1;

        var observations = new List<PoseObservation>();
        var dt = 1 / sampleFps;
        for (var t = random.NextDouble() * dt; t < clip.DurationSeconds; t += dt)
        {
            var pose = clip.At(t, out var bicycle);
            var root = HipMid(pose);
            if (mode == Mode.Treadmill)
            {
                var shift = new Vec3(root.X - root0.X, 0, root.Z - root0.Z);
                pose = pose.Select(p => p - shift).ToArray();
                bicycle = bicycle?.Select(p => p - shift).ToArray();
                root = root - shift;
            }
            var target = mode == Mode.Follow ? new Vec3(root.X, root0.Y, root.Z) : new Vec3(fixedTarget.X, root0.Y, fixedTarget.Z);
            var eye = target + (towardCamera * distance);
            var forward = (target - eye).Normalised();
            var right = Vec3.Cross(forward, up).Normalised();
            var camUp = Vec3.Cross(right, forward);
            (double U, double V, double Depth) Project(Vec3 p)
            {
                var d = p - eye;
                var z = Math.Max(0.1, Vec3.Dot(d, forward));
                return ((width / 2.0) + (focal * Vec3.Dot(d, right) / z), (height / 2.0) - (focal * Vec3.Dot(d, camUp) / z), z);
            }

            if (random.NextDouble() < missRate)
            {
                observations.Add(new PoseObservation(t, null, null, []));
                continue;
            }
            var projected = pose.Select(Project).ToArray();
            var centre = Project(root);
            if (centre.U < 0 || centre.U > width || centre.V < 0 || centre.V > height)
            {
                observations.Add(new PoseObservation(t, null, null, []));
                continue;
            }
            var torsoPx = Math.Max(4, Distance(Project(HipMid(pose)), Project((pose[(int)BodyPart.LeftShoulder] + pose[(int)BodyPart.RightShoulder]) * 0.5)));
            cropX = (0.8 * cropX) + (Gauss(random) * 0.02 * torsoPx);
            cropY = (0.8 * cropY) + (Gauss(random) * 0.02 * torsoPx);
            cropScale = 1 + (0.8 * (cropScale - 1)) + (Gauss(random) * 0.01);
            if (random.NextDouble() < swapRate)
            {
                foreach (var (l, r) in new[] { (BodyPart.LeftHip, BodyPart.RightHip), (BodyPart.LeftKnee, BodyPart.RightKnee), (BodyPart.LeftAnkle, BodyPart.RightAnkle) })
                {
                    (projected[(int)l], projected[(int)r]) = (projected[(int)r], projected[(int)l]);
                }
            }
            var keypoints = new PoseKeypoint[17];
            for (var k = 0; k < 17; k++)
            {
                var (u, v, depth) = projected[k];
                // Behind the body from the camera's view: MoveNet guesses it, less sure and less precise.
                var hidden = Math.Clamp((depth - centre.Depth - 0.05) / 0.2, 0, 1);
                var sigma = jitter * torsoPx * (1 + (1.5 * hidden));
                ar[k] = new Vec3((0.6 * ar[k].X) + (0.8 * Gauss(random) * sigma), (0.6 * ar[k].Y) + (0.8 * Gauss(random) * sigma), 0);
                u = centre.U + ((u - centre.U) * cropScale) + cropX + ar[k].X;
                v = centre.V + ((v - centre.V) * cropScale) + cropY + ar[k].Y;
                var score = Math.Clamp(baseScore + (Gauss(random) * 0.1) - (hidden * (0.1 + (random.NextDouble() * 0.25))), 0.02, 0.95);
                if (double.IsFinite(cut) && k >= (int)BodyPart.LeftKnee && BelowCut(pose[k], pose, cut))
                {
                    score = 0.02 + (random.NextDouble() * 0.15);
                }
                if (random.NextDouble() < dropRate)
                {
                    score = 0.02 + (random.NextDouble() * 0.2);
                    u += Gauss(random) * torsoPx * 0.6;
                    v += Gauss(random) * torsoPx * 0.6;
                }
                keypoints[k] = new PoseKeypoint((BodyPart)k, new ImagePoint((float)u, (float)v), (float)score);
            }
            var xs = keypoints.Select(p => p.Position.X).ToArray();
            var ys = keypoints.Select(p => p.Position.Y).ToArray();
            var box = ImageBox.FromCorners(xs.Min(), ys.Min(), xs.Max(), ys.Max());
            var padX = box.Width * 0.1f;
            var padY = box.Height * 0.1f;
            var personBox = ImageBox.FromCorners(box.X - padX, box.Y - padY, box.Right + padX, box.Bottom + padY);
            IReadOnlyList<ImageBox> bikes = [];
            if (bicycle is not null)
            {
                var corners = bicycle.Select(Project).ToArray();
                bikes = [ImageBox.FromCorners((float)corners.Min(c => c.U), (float)corners.Min(c => c.V), (float)corners.Max(c => c.U), (float)corners.Max(c => c.V))];
            }
            observations.Add(new PoseObservation(t, new BodyPose(box, 0, keypoints.Average(p => p.Score), keypoints), personBox, bikes));
        }
        return observations;
    }

    /// <summary>Whether a point lies below the cut, placed at a fraction of the way from the hips (0) down to the lower ankle (1).</summary>
    private static bool BelowCut(Vec3 point, Vec3[] pose, double cut)
    {
        var hip = HipMid(pose).Y;
        var foot = Math.Min(pose[(int)BodyPart.LeftAnkle].Y, pose[(int)BodyPart.RightAnkle].Y);
        return point.Y < hip - (cut * (hip - foot));
    }

    private static Vec3 HipMid(Vec3[] p) => (p[(int)BodyPart.LeftHip] + p[(int)BodyPart.RightHip]) * 0.5;

    private static Vec3 RotateY(Vec3 v, double angle)
    {
        var (s, c) = Math.SinCos(angle);
        return new Vec3((v.X * c) + (v.Z * s), v.Y, (-v.X * s) + (v.Z * c));
    }

    private static double Distance((double U, double V, double Depth) a, (double U, double V, double Depth) b) =>
        Math.Sqrt(((a.U - b.U) * (a.U - b.U)) + ((a.V - b.V) * (a.V - b.V)));

    internal static double Gauss(Random random)
    {
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
