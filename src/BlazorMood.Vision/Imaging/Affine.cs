namespace BlazorMood.Vision.Imaging;

/// <summary>
/// 2-D affine map from output (crop) coordinates to source-image coordinates:
/// x' = M11·x + M12·y + Dx, y' = M21·x + M22·y + Dy. Coordinates are continuous: pixel i covers [i, i+1).
/// </summary>
internal readonly record struct Affine(float M11, float M12, float Dx, float M21, float M22, float Dy)
{
    public static Affine ScaleTranslate(float scale, float dx, float dy) => new(scale, 0, dx, 0, scale, dy);

    public ImagePoint Map(float x, float y) => new((M11 * x) + (M12 * y) + Dx, (M21 * x) + (M22 * y) + Dy);

    public ImagePoint Map(ImagePoint p) => Map(p.X, p.Y);

    /// <summary>The linear part's scale (source pixels per output pixel), the larger of the two column norms.</summary>
    public float Scale => MathF.Max(MathF.Sqrt((M11 * M11) + (M21 * M21)), MathF.Sqrt((M12 * M12) + (M22 * M22)));

    public Affine Invert()
    {
        var det = (M11 * M22) - (M12 * M21);
        if (MathF.Abs(det) < 1e-12f)
        {
            throw new InvalidOperationException("Affine map is singular.");
        }
        var i11 = M22 / det;
        var i12 = -M12 / det;
        var i21 = -M21 / det;
        var i22 = M11 / det;
        return new Affine(i11, i12, -((i11 * Dx) + (i12 * Dy)), i21, i22, -((i21 * Dx) + (i22 * Dy)));
    }
}
