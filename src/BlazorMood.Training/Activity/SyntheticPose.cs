using BlazorMood.Vision;

namespace BlazorMood.Training.Activity;

/// <summary>Where the camera looks from: azimuth 0 sees the body's side (sagittal plane), 90 its front.</summary>
public sealed record Camera(double AzimuthDegrees, double ElevationDegrees, double PixelsPerMetre, double CentreX = 320, double CentreY = 240);

/// <summary>
/// A simple biomechanical body model: joint angles over time drive a 3D skeleton (body frame: x forward, y up,
/// z to the person's left), which an orthographic camera projects to the 17 COCO keypoints, with Gaussian noise and
/// randomly dropped (low-score, displaced) keypoints, as MoveNet would report them.
/// </summary>
public sealed class SyntheticPose
{
    // Segment lengths in metres for a 1.75 m adult.
    private const double Torso = 0.50, Thigh = 0.45, Shank = 0.43, UpperArm = 0.30, Forearm = 0.27, HipHalf = 0.15, ShoulderHalf = 0.19;

    private readonly Random _random;
    private readonly double _noisePx;
    private readonly double _dropRate;

    public SyntheticPose(int seed, double noiseTorsoFraction = 0.03, double dropRate = 0.1)
    {
        _random = new Random(seed);
        _noisePx = noiseTorsoFraction;
        _dropRate = dropRate;
    }

    /// <summary>Joint angles (radians) and pelvis position of one instant.</summary>
    public sealed record Joints
    {
        public double PelvisX { get; init; }
        public double PelvisY { get; init; } = Thigh + Shank;
        public double Lean { get; init; }
        public double HipL { get; init; }
        public double HipR { get; init; }
        public double KneeL { get; init; }
        public double KneeR { get; init; }
        public double ShoulderL { get; init; }
        public double ShoulderR { get; init; }
        public double ElbowL { get; init; }
        public double ElbowR { get; init; }
        /// <summary>Rotation of the whole body about the lateral axis (π/2: lying on the back, head forward).</summary>
        public double BodyPitch { get; init; }
        public (double X, double Y)? FootL { get; init; }
        public (double X, double Y)? FootR { get; init; }
    }

    public static Joints Gait(double t, double cadenceSpm, bool running, double speed = 0)
    {
        var phase = 2 * Math.PI * (cadenceSpm / 120) * t;
        double Hip(double ph) => (running ? 0.5 : 0.35) * Math.Sin(ph);
        // Knee bends most in swing (when the hip flexes forward), little in stance.
        double Knee(double ph) => running ? 0.35 + (0.9 * Math.Max(0, Math.Sin(ph + 0.9))) : 0.08 + (0.9 * Math.Max(0, Math.Sin(ph + 0.9)) * 0.7);
        var bounce = (running ? 0.05 : 0.02) * Math.Cos(2 * phase);
        return new Joints
        {
            PelvisX = speed * t,
            PelvisY = Thigh + Shank - (running ? 0.08 : 0.02) + bounce,
            Lean = running ? 0.15 : 0.05,
            HipL = Hip(phase), HipR = Hip(phase + Math.PI),
            KneeL = Knee(phase), KneeR = Knee(phase + Math.PI),
            ShoulderL = -0.35 * Math.Sin(phase), ShoulderR = -0.35 * Math.Sin(phase + Math.PI),
            ElbowL = running ? 1.5 : 0.25, ElbowR = running ? 1.5 : 0.25,
        };
    }

    public static Joints Standing(double t) => new()
    {
        PelvisX = 0.015 * Math.Sin(2 * Math.PI * 0.25 * t),
        Lean = 0.02 * Math.Sin(2 * Math.PI * 0.2 * t),
        KneeL = 0.05, KneeR = 0.05, ShoulderL = 0.05, ShoulderR = 0.05, ElbowL = 0.2, ElbowR = 0.2,
    };

    public static Joints Sitting(double t) => new()
    {
        PelvisY = 0.47,
        Lean = -0.1 + (0.03 * Math.Sin(t)),
        HipL = 1.5, HipR = 1.45, KneeL = 1.5, KneeR = 1.4,
        // Hands gesture a little.
        ShoulderL = 0.5 + (0.2 * Math.Sin(1.3 * t)), ShoulderR = 0.4, ElbowL = 1.2, ElbowR = 1.0,
    };

    public static Joints Lying(double t) => new()
    {
        PelvisY = 0.55,
        BodyPitch = Math.PI / 2,
        KneeL = 0.1, KneeR = 0.15, ShoulderL = 0.1, ShoulderR = 0.1, ElbowL = 0.3, ElbowR = 0.2,
        Lean = 0.01 * Math.Sin(2 * Math.PI * 0.25 * t), // breathing
    };

    /// <summary>
    /// Lying in a posture of its own: real people in bed or on the floor have their knees drawn up, arms overhead or
    /// folded, and shift their limbs slowly; a body laid out straight and still is only one case of many. Each angle
    /// moves by up to <paramref name="restless"/> radians at <paramref name="hz"/> around its posture value.
    /// </summary>
    public static Joints Lying(double t, double kneeL, double kneeR, double shoulderL, double shoulderR, double elbowL, double elbowR, double restless, double hz)
    {
        double Move(double value, double phase) => value + (restless * Math.Sin((2 * Math.PI * hz * t) + phase));
        var (kl, kr) = (Math.Max(0, Move(kneeL, 0)), Math.Max(0, Move(kneeR, 2)));
        return Lying(t) with
        {
            // Feet stay on the floor as the knees come up: the thigh rises half as much as the knee bends.
            HipL = kl / 2, HipR = kr / 2, KneeL = kl, KneeR = kr,
            ShoulderL = Move(shoulderL, 1), ShoulderR = Move(shoulderR, 3), ElbowL = Math.Max(0, Move(elbowL, 4)), ElbowR = Math.Max(0, Move(elbowR, 5)),
        };
    }

    public static Joints Squat(double t, double periodSeconds = 2.5)
    {
        // Depth β: 0 standing, 1.2 rad at the bottom; the shin leans as much as the thigh so the feet stay planted.
        var beta = 0.6 * (1 - Math.Cos(2 * Math.PI * t / periodSeconds));
        return new Joints
        {
            PelvisY = (Thigh + Shank) * Math.Cos(beta),
            Lean = 0.7 * beta,
            HipL = beta, HipR = beta, KneeL = 2 * beta, KneeR = 2 * beta,
            ShoulderL = 1.4, ShoulderR = 1.4, ElbowL = 0.1, ElbowR = 0.1,
        };
    }

    public static Joints Jumping(double t, double hz = 1.8)
    {
        var s = Math.Sin(2 * Math.PI * hz * t);
        var air = Math.Max(0, s);
        var landing = Math.Max(0, -s);
        return new Joints
        {
            PelvisY = Thigh + Shank + (0.25 * air) - (0.12 * landing),
            HipL = 0.3 * landing, HipR = 0.3 * landing, KneeL = 0.7 * landing, KneeR = 0.7 * landing,
            ShoulderL = 1.2 + (1.2 * air), ShoulderR = 1.2 + (1.2 * air), ElbowL = 0.2, ElbowR = 0.2,
        };
    }

    public static Joints Cycling(double t, double rpm = 80)
    {
        var a = 2 * Math.PI * rpm / 60 * t;
        // Crank 0.17 m radius, its axle 0.2 m forward of the hip and 0.62 m below it.
        (double, double) Foot(double ph) => (0.2 + (0.17 * Math.Cos(ph)), 0.33 + (0.17 * Math.Sin(ph)));
        return new Joints
        {
            PelvisY = 0.95, Lean = 0.55,
            FootL = Foot(a), FootR = Foot(a + Math.PI),
            ShoulderL = 1.1, ShoulderR = 1.1, ElbowL = 0.3, ElbowR = 0.3,
        };
    }

    /// <summary>3D positions of the 17 keypoints for a set of joint angles (push-ups are built directly).</summary>
    public static (double X, double Y, double Z)[] Skeleton(Joints j)
    {
        var p = new (double X, double Y, double Z)[17];
        (double X, double Y) pelvis = (j.PelvisX, j.PelvisY);
        (double X, double Y) Dir(double angleFromDown) => (Math.Sin(angleFromDown), -Math.Cos(angleFromDown));
        var shoulder = (X: pelvis.X + (Torso * Math.Sin(j.Lean)), Y: pelvis.Y + (Torso * Math.Cos(j.Lean)));
        void Leg(int hipI, int kneeI, int ankleI, double z, double hip, double knee, (double X, double Y)? foot)
        {
            p[hipI] = (pelvis.X, pelvis.Y, z);
            (double X, double Y) k;
            (double X, double Y) a;
            if (foot is { } f)
            {
                // Two-link inverse kinematics with the knee forward (cycling: the foot is on the pedal).
                var target = (X: pelvis.X + f.X, Y: f.Y);
                var dx = target.X - pelvis.X;
                var dy = target.Y - pelvis.Y;
                var d = Math.Min(Thigh + Shank - 1e-3, Math.Sqrt((dx * dx) + (dy * dy)));
                var baseAngle = Math.Atan2(dy, dx);
                var off = Math.Acos(Math.Clamp(((Thigh * Thigh) + (d * d) - (Shank * Shank)) / (2 * Thigh * d), -1, 1));
                k = (pelvis.X + (Thigh * Math.Cos(baseAngle + off)), pelvis.Y + (Thigh * Math.Sin(baseAngle + off)));
                a = target;
            }
            else
            {
                var td = Dir(hip);
                k = (pelvis.X + (Thigh * td.X), pelvis.Y + (Thigh * td.Y));
                var sd = Dir(hip - knee);
                a = (k.X + (Shank * sd.X), k.Y + (Shank * sd.Y));
            }
            p[kneeI] = (k.X, k.Y, z);
            p[ankleI] = (a.X, a.Y, z);
        }
        Leg((int)BodyPart.LeftHip, (int)BodyPart.LeftKnee, (int)BodyPart.LeftAnkle, HipHalf, j.HipL, j.KneeL, j.FootL);
        Leg((int)BodyPart.RightHip, (int)BodyPart.RightKnee, (int)BodyPart.RightAnkle, -HipHalf, j.HipR, j.KneeR, j.FootR);
        void Arm(int sI, int eI, int wI, double z, double sh, double el)
        {
            p[sI] = (shoulder.X, shoulder.Y, z);
            var ud = Dir(sh);
            var e = (X: shoulder.X + (UpperArm * ud.X), Y: shoulder.Y + (UpperArm * ud.Y));
            var fd = Dir(sh + el);
            p[eI] = (e.X, e.Y, z);
            p[wI] = (e.X + (Forearm * fd.X), e.Y + (Forearm * fd.Y), z);
        }
        Arm((int)BodyPart.LeftShoulder, (int)BodyPart.LeftElbow, (int)BodyPart.LeftWrist, ShoulderHalf, j.ShoulderL, j.ElbowL);
        Arm((int)BodyPart.RightShoulder, (int)BodyPart.RightElbow, (int)BodyPart.RightWrist, -ShoulderHalf, j.ShoulderR, j.ElbowR);
        var head = (X: shoulder.X + (0.22 * Math.Sin(j.Lean)) + 0.08, Y: shoulder.Y + (0.22 * Math.Cos(j.Lean)));
        p[(int)BodyPart.Nose] = (head.X + 0.02, head.Y, 0);
        p[(int)BodyPart.LeftEye] = (head.X, head.Y + 0.03, 0.03);
        p[(int)BodyPart.RightEye] = (head.X, head.Y + 0.03, -0.03);
        p[(int)BodyPart.LeftEar] = (head.X - 0.08, head.Y, 0.07);
        p[(int)BodyPart.RightEar] = (head.X - 0.08, head.Y, -0.07);
        if (j.BodyPitch != 0)
        {
            // Rotate about the lateral axis through the pelvis (lying: the head points forward, the body horizontal).
            var (c, s) = (Math.Cos(j.BodyPitch), Math.Sin(j.BodyPitch));
            for (var i = 0; i < 17; i++)
            {
                var (x, y, z) = p[i];
                var (rx, ry) = (x - pelvis.X, y - pelvis.Y);
                p[i] = (pelvis.X + (rx * c) + (ry * s), pelvis.Y - (rx * s) + (ry * c), z);
            }
        }
        return p;
    }

    /// <summary>Push-ups, side by side with the floor: feet fixed, a straight body line pivoting at the feet, hands under the shoulders.</summary>
    public static (double X, double Y, double Z)[] PushUp(double t, double periodSeconds = 1.8)
    {
        var h = 0.15 + (0.25 * (0.5 + (0.5 * Math.Cos(2 * Math.PI * t / periodSeconds))));
        const double bodyToShoulder = Thigh + Shank + Torso;
        var angle = Math.Asin(h / bodyToShoulder);
        (double X, double Y) Along(double d) => (d * Math.Cos(angle), 0.05 + (d * Math.Sin(angle)));
        var p = new (double X, double Y, double Z)[17];
        void Set(BodyPart part, (double X, double Y) xy, double z) => p[(int)part] = (xy.X, xy.Y, z);
        foreach (var (side, z) in new[] { (0, 0.12), (1, -0.12) })
        {
            Set(side == 0 ? BodyPart.LeftAnkle : BodyPart.RightAnkle, Along(0), z);
            Set(side == 0 ? BodyPart.LeftKnee : BodyPart.RightKnee, Along(Shank), z);
            Set(side == 0 ? BodyPart.LeftHip : BodyPart.RightHip, Along(Shank + Thigh), z);
            var sh = Along(bodyToShoulder);
            Set(side == 0 ? BodyPart.LeftShoulder : BodyPart.RightShoulder, sh, z * 1.6);
            Set(side == 0 ? BodyPart.LeftWrist : BodyPart.RightWrist, (sh.X, 0), z * 2);
            Set(side == 0 ? BodyPart.LeftElbow : BodyPart.RightElbow, (sh.X - 0.12, sh.Y / 2), z * 2.2);
        }
        var head = Along(bodyToShoulder + 0.22);
        Set(BodyPart.Nose, (head.X + 0.05, head.Y - 0.03), 0);
        Set(BodyPart.LeftEye, (head.X + 0.03, head.Y), 0.03);
        Set(BodyPart.RightEye, (head.X + 0.03, head.Y), -0.03);
        Set(BodyPart.LeftEar, (head.X - 0.03, head.Y), 0.07);
        Set(BodyPart.RightEar, (head.X - 0.03, head.Y), -0.07);
        return p;
    }

    /// <summary>Projects to image pixels and adds MoveNet-like noise and dropouts.</summary>
    public BodyPose Project((double X, double Y, double Z)[] points, Camera cam)
    {
        var az = cam.AzimuthDegrees * Math.PI / 180;
        var el = cam.ElevationDegrees * Math.PI / 180;
        var keypoints = new PoseKeypoint[17];
        var noise = _noisePx * Torso * cam.PixelsPerMetre;
        for (var i = 0; i < 17; i++)
        {
            var (x, y, z) = points[i];
            // Horizontal image axis and depth (towards the camera) for this azimuth.
            var h = (x * Math.Cos(az)) - (z * Math.Sin(az));
            var depth = (x * Math.Sin(az)) + (z * Math.Cos(az));
            // A camera above the subject looking down sees nearer points lower in the image.
            var v = (y * Math.Cos(el)) - (depth * Math.Sin(el));
            var px = cam.CentreX + (h * cam.PixelsPerMetre) + (Gauss() * noise);
            var py = cam.CentreY - ((v - 0.9) * cam.PixelsPerMetre) + (Gauss() * noise);
            var score = 0.5 + (0.4 * _random.NextDouble());
            if (_random.NextDouble() < _dropRate)
            {
                // A dropped keypoint: low score and a wrong position, as MoveNet reports occluded joints.
                score = 0.05 + (0.15 * _random.NextDouble());
                px += (_random.NextDouble() - 0.5) * 4 * noise * 10;
                py += (_random.NextDouble() - 0.5) * 4 * noise * 10;
            }
            keypoints[i] = new PoseKeypoint((BodyPart)i, new ImagePoint((float)px, (float)py), (float)score);
        }
        var xs = keypoints.Select(k => k.Position.X).ToArray();
        var ys = keypoints.Select(k => k.Position.Y).ToArray();
        var crop = ImageBox.FromCorners(xs.Min(), ys.Min(), xs.Max(), ys.Max());
        return new BodyPose(crop, 0, (float)keypoints.Average(k => k.Score), keypoints);
    }

    /// <summary>Projects a ground-level bicycle (wheelbase 1 m around the crank, 0.7 m wheels) into an image box.</summary>
    public static ImageBox BicycleBox(Camera cam, double pelvisX)
    {
        var corners = new List<(double X, double Y, double Z)>();
        foreach (var x in new[] { pelvisX - 0.55, pelvisX + 0.75 })
        {
            foreach (var y in new[] { 0.0, 1.0 })
            {
                foreach (var z in new[] { -0.25, 0.25 })
                {
                    corners.Add((x, y, z));
                }
            }
        }
        var az = cam.AzimuthDegrees * Math.PI / 180;
        var el = cam.ElevationDegrees * Math.PI / 180;
        var pts = corners.Select(c =>
        {
            var h = (c.X * Math.Cos(az)) - (c.Z * Math.Sin(az));
            var depth = (c.X * Math.Sin(az)) + (c.Z * Math.Cos(az));
            var v = (c.Y * Math.Cos(el)) - (depth * Math.Sin(el));
            return (X: cam.CentreX + (h * cam.PixelsPerMetre), Y: cam.CentreY - ((v - 0.9) * cam.PixelsPerMetre));
        }).ToArray();
        return ImageBox.FromCorners((float)pts.Min(p => p.X), (float)pts.Min(p => p.Y), (float)pts.Max(p => p.X), (float)pts.Max(p => p.Y));
    }

    private double Gauss()
    {
        var u1 = 1 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
