namespace BlazorMood.Vision;

/// <summary>A point in source-image pixel coordinates (x to the right, y down).</summary>
public readonly record struct ImagePoint(float X, float Y)
{
    public float DistanceTo(ImagePoint other) => MathF.Sqrt(((X - other.X) * (X - other.X)) + ((Y - other.Y) * (Y - other.Y)));

    public static ImagePoint Midpoint(ImagePoint a, ImagePoint b) => new((a.X + b.X) * 0.5f, (a.Y + b.Y) * 0.5f);
}

/// <summary>An axis-aligned box in source-image pixel coordinates: top-left corner plus size.</summary>
public readonly record struct ImageBox(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;

    public float Bottom => Y + Height;

    public float Area => Width > 0 && Height > 0 ? Width * Height : 0;

    public ImagePoint Center => new(X + (Width * 0.5f), Y + (Height * 0.5f));

    public static ImageBox FromCorners(float left, float top, float right, float bottom) => new(left, top, right - left, bottom - top);

    /// <summary>Intersection over union; 0 for disjoint or empty boxes.</summary>
    public float IntersectionOverUnion(ImageBox other)
    {
        var w = MathF.Min(Right, other.Right) - MathF.Max(X, other.X);
        var h = MathF.Min(Bottom, other.Bottom) - MathF.Max(Y, other.Y);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }
        var inter = w * h;
        var union = Area + other.Area - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>This box clipped to an image of the given size (may become empty).</summary>
    public ImageBox ClampTo(int width, int height)
    {
        var l = Math.Clamp(X, 0, width);
        var t = Math.Clamp(Y, 0, height);
        var r = Math.Clamp(Right, 0, width);
        var b = Math.Clamp(Bottom, 0, height);
        return FromCorners(l, t, r, b);
    }
}
