namespace BlazorMood.Video.Drawing;

/// <summary>An RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>
/// Draws straight into a packed rgb24 frame buffer: rectangles, thick lines, dots and bitmap-font text.
/// Everything is clipped to the frame, so boxes partly outside the picture are safe.
/// </summary>
public readonly ref struct FrameCanvas
{
    private readonly Span<byte> _rgb;

    public FrameCanvas(Span<byte> rgb24, int width, int height)
    {
        if (rgb24.Length < width * height * 3)
        {
            throw new ArgumentException("Buffer smaller than width × height × 3.", nameof(rgb24));
        }
        _rgb = rgb24;
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public void SetPixel(int x, int y, Rgb c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }
        var i = ((y * Width) + x) * 3;
        _rgb[i] = c.R;
        _rgb[i + 1] = c.G;
        _rgb[i + 2] = c.B;
    }

    /// <summary>Fills a rectangle, blending with the picture when <paramref name="alpha"/> is under 1 (label backgrounds).</summary>
    public void FillRect(int x, int y, int w, int h, Rgb c, float alpha = 1)
    {
        var x0 = Math.Max(0, x);
        var y0 = Math.Max(0, y);
        var x1 = Math.Min(Width, x + w);
        var y1 = Math.Min(Height, y + h);
        if (x1 <= x0 || y1 <= y0)
        {
            return;
        }
        var a = (int)(Math.Clamp(alpha, 0, 1) * 256);
        for (var yy = y0; yy < y1; yy++)
        {
            var row = _rgb.Slice(((yy * Width) + x0) * 3, (x1 - x0) * 3);
            for (var i = 0; i < row.Length; i += 3)
            {
                row[i] = (byte)((row[i] * (256 - a) + (c.R * a)) >> 8);
                row[i + 1] = (byte)((row[i + 1] * (256 - a) + (c.G * a)) >> 8);
                row[i + 2] = (byte)((row[i + 2] * (256 - a) + (c.B * a)) >> 8);
            }
        }
    }

    public void DrawRect(int x, int y, int w, int h, Rgb c, int thickness = 2)
    {
        FillRect(x, y, w, thickness, c);
        FillRect(x, y + h - thickness, w, thickness, c);
        FillRect(x, y, thickness, h, c);
        FillRect(x + w - thickness, y, thickness, h, c);
    }

    /// <summary>A line of the given thickness (Bresenham, with a square pen).</summary>
    public void DrawLine(int x0, int y0, int x1, int y1, Rgb c, int thickness = 2)
    {
        // Far-off points (a bad keypoint) would make a huge loop; clamp the walk to a generous box around the frame.
        x0 = Math.Clamp(x0, -Width, 2 * Width);
        x1 = Math.Clamp(x1, -Width, 2 * Width);
        y0 = Math.Clamp(y0, -Height, 2 * Height);
        y1 = Math.Clamp(y1, -Height, 2 * Height);
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        int dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        var err = dx + dy;
        var half = thickness / 2;
        while (true)
        {
            FillRect(x0 - half, y0 - half, thickness, thickness, c);
            if (x0 == x1 && y0 == y1)
            {
                break;
            }
            var e2 = 2 * err;
            if (e2 >= dy)
            {
                err += dy;
                x0 += sx;
            }
            if (e2 <= dx)
            {
                err += dx;
                y0 += sy;
            }
        }
    }

    public void DrawDot(int x, int y, int radius, Rgb c)
    {
        for (var dy = -radius; dy <= radius; dy++)
        {
            for (var dx = -radius; dx <= radius; dx++)
            {
                if ((dx * dx) + (dy * dy) <= radius * radius)
                {
                    SetPixel(x + dx, y + dy, c);
                }
            }
        }
    }

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/>.</summary>
    public static int MeasureText(string text, int scale) => text.Length * (BitmapFont.GlyphWidth + 1) * scale;

    public static int TextHeight(int scale) => BitmapFont.GlyphHeight * scale;

    /// <summary>Draws text with its top-left corner at (x, y); each font pixel becomes a scale×scale block.</summary>
    public void DrawText(int x, int y, string text, Rgb c, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var gx = x + (i * (BitmapFont.GlyphWidth + 1) * scale);
            for (var row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                for (var col = 0; col < BitmapFont.GlyphWidth; col++)
                {
                    if (BitmapFont.Ink(text[i], col, row))
                    {
                        FillRect(gx + (col * scale), y + (row * scale), scale, scale, c);
                    }
                }
            }
        }
    }
}
