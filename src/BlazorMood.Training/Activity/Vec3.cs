namespace BlazorMood.Training.Activity;

/// <summary>A 3D point or direction (metres; y up in the motion sources).</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

    public Vec3 Normalised() => Length > 1e-12 ? this * (1 / Length) : this;

    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public static double Dot(Vec3 a, Vec3 b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

    public static Vec3 Cross(Vec3 a, Vec3 b) => new((a.Y * b.Z) - (a.Z * b.Y), (a.Z * b.X) - (a.X * b.Z), (a.X * b.Y) - (a.Y * b.X));

    public static Vec3 Lerp(Vec3 a, Vec3 b, double t) => a + ((b - a) * t);
}

/// <summary>A rigid 4×4 transform (row-major, column vectors) for BVH forward kinematics.</summary>
public readonly struct Mat4
{
    private readonly double[] _m;

    private Mat4(double[] m) => _m = m;

    public static Mat4 Identity => new([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

    public static Mat4 Translation(Vec3 t) => new([1, 0, 0, t.X, 0, 1, 0, t.Y, 0, 0, 1, t.Z, 0, 0, 0, 1]);

    public static Mat4 RotationX(double degrees)
    {
        var (s, c) = Math.SinCos(degrees * Math.PI / 180);
        return new([1, 0, 0, 0, 0, c, -s, 0, 0, s, c, 0, 0, 0, 0, 1]);
    }

    public static Mat4 RotationY(double degrees)
    {
        var (s, c) = Math.SinCos(degrees * Math.PI / 180);
        return new([c, 0, s, 0, 0, 1, 0, 0, -s, 0, c, 0, 0, 0, 0, 1]);
    }

    public static Mat4 RotationZ(double degrees)
    {
        var (s, c) = Math.SinCos(degrees * Math.PI / 180);
        return new([c, -s, 0, 0, s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    }

    /// <summary>Where this transform puts the origin.</summary>
    public Vec3 Origin => new(_m[3], _m[7], _m[11]);

    public static Mat4 operator *(Mat4 a, Mat4 b)
    {
        var r = new double[16];
        for (var row = 0; row < 4; row++)
        {
            for (var col = 0; col < 4; col++)
            {
                double s = 0;
                for (var k = 0; k < 4; k++)
                {
                    s += a._m[(row * 4) + k] * b._m[(k * 4) + col];
                }
                r[(row * 4) + col] = s;
            }
        }
        return new Mat4(r);
    }
}
