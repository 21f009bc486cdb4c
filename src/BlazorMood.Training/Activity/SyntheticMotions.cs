namespace BlazorMood.Training.Activity;

/// <summary>
/// Labelled 3D motions from the synthetic body model (<see cref="SyntheticPose"/>) for the activities that motion
/// capture in the development recipes lacks (sitting, lying, cycling, squats, jumping jacks, push-ups) and for more
/// gait variety, each with randomly drawn parameters (cadence, speed, crank rate, repetition period, body size).
/// Synthetic data trains; it is never evidence of real-world accuracy.
/// </summary>
public static class SyntheticMotions
{
    public const string Source = "synthetic";

    public static readonly string[] Labels = ["walking", "running", "standing", "sitting", "lying", "cycling", "squats", "jumping", "push-ups"];

    /// <summary><paramref name="perLabel"/> clips of every label, <paramref name="seconds"/> long at 30 frames a second.</summary>
    public static IReadOnlyList<MotionClip> Generate(int perLabel, int seed, double seconds = 6)
    {
        var random = new Random(seed);
        var clips = new List<MotionClip>();
        foreach (var label in Labels)
        {
            for (var n = 0; n < perLabel; n++)
            {
                clips.Add(Make(label, n, random, seconds));
            }
        }
        return clips;
    }

    private static MotionClip Make(string label, int n, Random r, double seconds)
    {
        const double frameTime = 1 / 30.0;
        var size = 0.85 + (r.NextDouble() * 0.25);
        double U(double a, double b) => a + (r.NextDouble() * (b - a));
        var cadence = label == "running" ? U(145, 190) : U(85, 125);
        var speed = r.NextDouble() < 0.4 ? 0 : label == "running" ? U(2, 4) : U(0.8, 1.6);
        var rpm = U(45, 100);
        var bikeSpeed = r.NextDouble() < 0.5 ? 0 : U(2.5, 7);
        var period = label == "squats" ? U(1.5, 3.5) : U(1.1, 2.4);
        var hz = U(1.2, 2.4);
        var jacks = r.NextDouble() < 0.7;
        var phase = U(0, 10);
        // People also hold perfectly still (a photo-like clip, a sleeper): then only the camera's noise moves.
        var still = label is "standing" or "sitting" or "lying" && r.NextDouble() < 0.35;
        // Arms anywhere a person at rest holds them (forward, raised, bent), not only hanging down.
        var posedArms = label is "standing" or "sitting" && r.NextDouble() < 0.5;
        var (shoulderL, shoulderR, elbowL, elbowR) = (U(-0.2, 1.7), U(-0.2, 1.7), U(0, 2.2), U(0, 2.2));
        var abduction = posedArms && r.NextDouble() < 0.5 ? U(0.2, 1.6) : 0; // arms out to the sides (an A or T pose)
        // Lying: half the sleepers laid out straight, the others with knees drawn up and arms anywhere. Their limbs
        // keep the posture (moving limbs of a lying body read as push-ups: that is what push-ups are).
        var curled = label == "lying" && r.NextDouble() < 0.5;
        var lyingPosture = curled
            ? (KneeL: U(0, 1.8), KneeR: U(0, 1.8), ShoulderL: U(-0.2, 3), ShoulderR: U(-0.2, 3), ElbowL: U(0, 2.2), ElbowR: U(0, 2.2), Restless: 0.0, Hz: 0.0)
            : default;
        SyntheticPose.Joints Arms(SyntheticPose.Joints j) => posedArms ? j with { ShoulderL = shoulderL, ShoulderR = shoulderR, ElbowL = elbowL, ElbowR = elbowR } : j;
        (double X, double Y, double Z)[] Out((double X, double Y, double Z)[] p) => abduction > 0 ? Abduct(p, abduction) : p;
        // Clips as short as uploads get (two seconds: one window) up to the full length, so a short clip is no cue for any label.
        var length = seconds * U(0.35, 1);
        var frames = new List<Vec3[]>();
        var bicycle = label == "cycling" ? new List<Vec3[]>() : null;
        for (var i = 0; i * frameTime < length; i++)
        {
            var t = (still ? 0 : i * frameTime) + phase;
            (double X, double Y, double Z)[] body = label switch
            {
                "walking" => SyntheticPose.Skeleton(SyntheticPose.Gait(t, cadence, false, speed)),
                "running" => SyntheticPose.Skeleton(SyntheticPose.Gait(t, cadence, true, speed)),
                "standing" => Out(SyntheticPose.Skeleton(Arms(SyntheticPose.Standing(t)))),
                "sitting" => Out(SyntheticPose.Skeleton(Arms(SyntheticPose.Sitting(t)))),
                "lying" => SyntheticPose.Skeleton(curled
                    ? SyntheticPose.Lying(t, lyingPosture.KneeL, lyingPosture.KneeR, lyingPosture.ShoulderL, lyingPosture.ShoulderR, lyingPosture.ElbowL, lyingPosture.ElbowR, lyingPosture.Restless, lyingPosture.Hz)
                    : SyntheticPose.Lying(t)),
                "cycling" => Shift(SyntheticPose.Skeleton(SyntheticPose.Cycling(t, rpm)), bikeSpeed * t),
                "squats" => SyntheticPose.Skeleton(SyntheticPose.Squat(t, period)),
                "jumping" => jacks ? JumpingJack(t, hz) : SyntheticPose.Skeleton(SyntheticPose.Jumping(t, hz)),
                "push-ups" => SyntheticPose.PushUp(t, period),
                _ => throw new ArgumentOutOfRangeException(nameof(label)),
            };
            // The body model's z points to the person's left; the cameras take the right-handed convention (left = −z when facing +x).
            frames.Add(body.Select(p => new Vec3(p.X * size, p.Y * size, -p.Z * size)).ToArray());
            if (bicycle is not null)
            {
                var x = bikeSpeed * t;
                bicycle.Add([.. from cx in new[] { x - 0.55, x + 0.75 } from cy in new[] { 0.0, 1.0 } from cz in new[] { -0.25, 0.25 } select new Vec3(cx * size, cy * size, cz * size)]);
            }
        }
        return new MotionClip($"{Source}/{label}/{n:D3}", Source, label, frameTime, frames, bicycle);
    }

    private static (double X, double Y, double Z)[] Shift((double X, double Y, double Z)[] p, double dx) => p.Select(q => (q.X + dx, q.Y, q.Z)).ToArray();

    /// <summary>Raises both arms sideways by <paramref name="angle"/> radians about the shoulder (body frame: z to the left).</summary>
    public static (double X, double Y, double Z)[] Abduct((double X, double Y, double Z)[] p, double angle)
    {
        var q = ((double X, double Y, double Z)[])p.Clone();
        foreach (var (shoulder, elbow, wrist, sign) in new[] { (5, 7, 9, -1.0), (6, 8, 10, 1.0) })
        {
            var (s, c) = Math.SinCos(sign * angle);
            var o = p[shoulder];
            foreach (var k in new[] { elbow, wrist })
            {
                var (y, z) = (p[k].Y - o.Y, p[k].Z - o.Z);
                q[k] = (p[k].X, o.Y + (y * c) - (z * s), o.Z + (y * s) + (z * c));
            }
        }
        return q;
    }

    /// <summary>Jumping jacks: legs and arms swing out sideways together (arms from the sides to overhead) with a small hop.</summary>
    public static (double X, double Y, double Z)[] JumpingJack(double t, double hz)
    {
        var open = 0.5 * (1 - Math.Cos(2 * Math.PI * hz * t));
        var hop = 0.06 * Math.Abs(Math.Sin(2 * Math.PI * hz * t));
        var p = SyntheticPose.Skeleton(SyntheticPose.Standing(0) with { PelvisY = 0.88 + hop });
        var hipY = 0.88 + hop;
        var legAngle = 0.35 * open;
        var armAngle = 2.8 * open;
        foreach (var (hip, knee, ankle, side) in new[] { (11, 13, 15, 1.0), (12, 14, 16, -1.0) })
        {
            var hz0 = p[hip].Z;
            p[knee] = (p[hip].X, hipY - (0.45 * Math.Cos(legAngle)), hz0 + (side * 0.45 * Math.Sin(legAngle)));
            p[ankle] = (p[hip].X, hipY - (0.88 * Math.Cos(legAngle)), hz0 + (side * 0.88 * Math.Sin(legAngle)));
        }
        foreach (var (shoulder, elbow, wrist, side) in new[] { (5, 7, 9, 1.0), (6, 8, 10, -1.0) })
        {
            var s = p[shoulder];
            p[elbow] = (s.X, s.Y - (0.30 * Math.Cos(armAngle)), s.Z + (side * 0.30 * Math.Sin(armAngle)));
            p[wrist] = (s.X, s.Y - (0.57 * Math.Cos(armAngle)), s.Z + (side * 0.57 * Math.Sin(armAngle)));
        }
        return p;
    }
}
