using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BlazorMood.Vision.Imaging;

/// <summary>
/// Bilinear resampling from an <see cref="RgbFrame"/> straight into the models' float tensors.
/// This replaces ImageSharp's Mutate/Resize on the hot path: no intermediate images, no allocations,
/// and the normalisation (value·Mul + Add) is fused into the same pass.
/// Samples outside the source read as black (0), like the zero padding Human applies before resizing.
/// </summary>
internal static class Resampler
{
    /// <summary>
    /// Warps into an NHWC float tensor of <paramref name="outWidth"/>×<paramref name="outHeight"/>×3.
    /// <paramref name="map"/> maps output coordinates to source coordinates.
    /// </summary>
    public static void WarpRgb(RgbFrame source, in Affine map, int outWidth, int outHeight, Span<float> destination, float mul, float add)
    {
        if (destination.Length < outWidth * outHeight * 3)
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }
        if (map.M12 == 0 && map.M21 == 0)
        {
            WarpRgbAxisAligned(source, map, outWidth, outHeight, destination, mul, add);
            return;
        }
        var src = source.Bytes;
        int w = source.Width, h = source.Height, stride = w * 3;
        var d = 0;
        for (var y = 0; y < outHeight; y++)
        {
            // Pixel centres (x+0.5, y+0.5) map to continuous source coordinates; subtract 0.5 for sample indices.
            var cy = y + 0.5f;
            var sx = (map.M11 * 0.5f) + (map.M12 * cy) + map.Dx - 0.5f;
            var sy = (map.M21 * 0.5f) + (map.M22 * cy) + map.Dy - 0.5f;
            for (var x = 0; x < outWidth; x++, sx += map.M11, sy += map.M21)
            {
                SampleRgb(src, w, h, stride, sx, sy, out var r, out var g, out var b);
                destination[d] = (r * mul) + add;
                destination[d + 1] = (g * mul) + add;
                destination[d + 2] = (b * mul) + add;
                d += 3;
            }
        }
    }

    /// <summary>
    /// Scale-and-translate special case of <see cref="WarpRgb"/> (letterboxing, the detector's hot path): the bilinear
    /// taps and weights of every column and row are computed once, and out-of-image taps get weight 0 (black).
    /// </summary>
    private static void WarpRgbAxisAligned(RgbFrame source, in Affine map, int outWidth, int outHeight, Span<float> destination, float mul, float add)
    {
        int w = source.Width, h = source.Height, stride = w * 3;
        Span<int> cx0 = stackalloc int[outWidth];
        Span<int> cx1 = stackalloc int[outWidth];
        Span<float> wx0 = stackalloc float[outWidth];
        Span<float> wx1 = stackalloc float[outWidth];
        Taps(map.M11, map.Dx, w, cx0, cx1, wx0, wx1);
        Span<int> ry0 = stackalloc int[outHeight];
        Span<int> ry1 = stackalloc int[outHeight];
        Span<float> wy0 = stackalloc float[outHeight];
        Span<float> wy1 = stackalloc float[outHeight];
        Taps(map.M22, map.Dy, h, ry0, ry1, wy0, wy1);

        ref var src = ref MemoryMarshal.GetReference(source.Bytes);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var d = 0;
        for (var y = 0; y < outHeight; y++)
        {
            // Weights already include "outside reads black", so the normalisation's add term is applied on top.
            var a = wy0[y] * mul;
            var b = wy1[y] * mul;
            ref var row0 = ref Unsafe.Add(ref src, ry0[y] * stride);
            ref var row1 = ref Unsafe.Add(ref src, ry1[y] * stride);
            for (var x = 0; x < outWidth; x++, d += 3)
            {
                var p0 = cx0[x] * 3;
                var p1 = cx1[x] * 3;
                float u = wx0[x], v = wx1[x];
                // Vertical weights first: (a·u) etc. are four products shared by the three channels.
                float au = a * u, av = a * v, bu = b * u, bv = b * v;
                ref var t0 = ref Unsafe.Add(ref row0, p0);
                ref var t1 = ref Unsafe.Add(ref row0, p1);
                ref var b0 = ref Unsafe.Add(ref row1, p0);
                ref var b1 = ref Unsafe.Add(ref row1, p1);
                ref var o = ref Unsafe.Add(ref dst, d);
                o = (t0 * au) + (t1 * av) + (b0 * bu) + (b1 * bv) + add;
                Unsafe.Add(ref o, 1) = (Unsafe.Add(ref t0, 1) * au) + (Unsafe.Add(ref t1, 1) * av) + (Unsafe.Add(ref b0, 1) * bu) + (Unsafe.Add(ref b1, 1) * bv) + add;
                Unsafe.Add(ref o, 2) = (Unsafe.Add(ref t0, 2) * au) + (Unsafe.Add(ref t1, 2) * av) + (Unsafe.Add(ref b0, 2) * bu) + (Unsafe.Add(ref b1, 2) * bv) + add;
            }
        }
    }

    /// <summary>Bilinear taps along one axis: clamped indices, and weights that are 0 for taps outside [0, size).</summary>
    private static void Taps(float scale, float offset, int size, Span<int> i0, Span<int> i1, Span<float> w0, Span<float> w1)
    {
        for (var o = 0; o < i0.Length; o++)
        {
            var s = (scale * (o + 0.5f)) + offset - 0.5f;
            var f = MathF.Floor(s);
            var a = (int)f;
            var t = s - f;
            w0[o] = a >= 0 && a < size ? 1 - t : 0;
            w1[o] = a + 1 >= 0 && a + 1 < size ? t : 0;
            i0[o] = Math.Clamp(a, 0, size - 1);
            i1[o] = Math.Clamp(a + 1, 0, size - 1);
        }
    }

    /// <summary>Like <see cref="WarpRgb"/> with raw 0..255 values, averaging k×k bilinear taps per output pixel (anti-aliased downscale).</summary>
    public static void WarpRgbSupersampled(RgbFrame source, in Affine map, int outWidth, int outHeight, Span<float> destination, int supersample)
    {
        if (destination.Length < outWidth * outHeight * 3)
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }
        var src = source.Bytes;
        int w = source.Width, h = source.Height, stride = w * 3;
        var k = Math.Clamp(supersample, 1, 8);
        var inv = 1f / (k * k);
        var d = 0;
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++, d += 3)
            {
                float ar = 0, ag = 0, ab = 0;
                for (var j = 0; j < k; j++)
                {
                    var oy = y + ((j + 0.5f) / k);
                    for (var i = 0; i < k; i++)
                    {
                        var ox = x + ((i + 0.5f) / k);
                        var sx = (map.M11 * ox) + (map.M12 * oy) + map.Dx - 0.5f;
                        var sy = (map.M21 * ox) + (map.M22 * oy) + map.Dy - 0.5f;
                        SampleRgb(src, w, h, stride, sx, sy, out var r, out var g, out var b);
                        ar += r;
                        ag += g;
                        ab += b;
                    }
                }
                destination[d] = ar * inv;
                destination[d + 1] = ag * inv;
                destination[d + 2] = ab * inv;
            }
        }
    }

    /// <summary>
    /// Warps into a single-channel tensor of weighted grey (wR·R + wG·G + wB·B)·Mul + Add, averaging
    /// <paramref name="supersample"/>² bilinear taps per output pixel so that downscaling does not alias.
    /// When <paramref name="mirror"/> is true the row is written right-to-left (horizontal flip).
    /// </summary>
    public static void WarpGray(RgbFrame source, in Affine map, int outWidth, int outHeight, Span<float> destination,
        float wR, float wG, float wB, float mul, float add, int supersample, bool mirror = false, bool clampEdges = true)
    {
        if (destination.Length < outWidth * outHeight)
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }
        var src = source.Bytes;
        int w = source.Width, h = source.Height, stride = w * 3;
        var k = Math.Clamp(supersample, 1, 8);
        var inv = 1f / (k * k);
        for (var y = 0; y < outHeight; y++)
        {
            var row = destination.Slice(y * outWidth, outWidth);
            for (var x = 0; x < outWidth; x++)
            {
                float acc = 0;
                for (var j = 0; j < k; j++)
                {
                    var oy = y + ((j + 0.5f) / k);
                    for (var i = 0; i < k; i++)
                    {
                        var ox = x + ((i + 0.5f) / k);
                        var sx = (map.M11 * ox) + (map.M12 * oy) + map.Dx - 0.5f;
                        var sy = (map.M21 * ox) + (map.M22 * oy) + map.Dy - 0.5f;
                        SampleRgb(src, w, h, stride, sx, sy, out var r, out var g, out var b, clampEdges);
                        acc += (wR * r) + (wG * g) + (wB * b);
                    }
                }
                row[mirror ? outWidth - 1 - x : x] = (acc * inv * mul) + add;
            }
        }
    }

    /// <summary>Bilinear resize of a square single-channel plane (half-pixel centres, edges clamped).</summary>
    public static void UpscaleGray(ReadOnlySpan<float> source, int sourceSize, Span<float> destination, int size)
    {
        var scale = (float)sourceSize / size;
        for (var y = 0; y < size; y++)
        {
            var sy = Math.Clamp(((y + 0.5f) * scale) - 0.5f, 0, sourceSize - 1);
            var y0 = (int)sy;
            var y1 = Math.Min(y0 + 1, sourceSize - 1);
            var fy = sy - y0;
            for (var x = 0; x < size; x++)
            {
                var sx = Math.Clamp(((x + 0.5f) * scale) - 0.5f, 0, sourceSize - 1);
                var x0 = (int)sx;
                var x1 = Math.Min(x0 + 1, sourceSize - 1);
                var fx = sx - x0;
                var top = (source[(y0 * sourceSize) + x0] * (1 - fx)) + (source[(y0 * sourceSize) + x1] * fx);
                var bottom = (source[(y1 * sourceSize) + x0] * (1 - fx)) + (source[(y1 * sourceSize) + x1] * fx);
                destination[(y * size) + x] = (top * (1 - fy)) + (bottom * fy);
            }
        }
    }

    /// <summary>
    /// Averages <paramref name="factor"/>×<paramref name="factor"/> blocks into <paramref name="destination"/>
    /// (a cheap anti-alias step before a large bilinear downscale). Returns the reduced frame.
    /// </summary>
    public static RgbFrame BoxDownscale(RgbFrame source, int factor, byte[] destination)
    {
        var ow = source.Width / factor;
        var oh = source.Height / factor;
        if (ow < 1 || oh < 1)
        {
            return source;
        }
        if (factor == 2)
        {
            return BoxDownscale2(source, ow, oh, destination);
        }
        var src = source.Bytes;
        var stride = source.Width * 3;
        var area = factor * factor;
        var half = area / 2;
        Span<int> acc = stackalloc int[ow * 3 <= 4096 ? ow * 3 : 0];
        var sums = acc.Length > 0 ? acc : new int[ow * 3];
        for (var y = 0; y < oh; y++)
        {
            sums.Clear();
            for (var j = 0; j < factor; j++)
            {
                var line = src.Slice(((y * factor) + j) * stride, ow * factor * 3);
                var p = 0;
                for (var x = 0; x < ow; x++)
                {
                    int r = 0, g = 0, b = 0;
                    for (var i = 0; i < factor; i++, p += 3)
                    {
                        r += line[p];
                        g += line[p + 1];
                        b += line[p + 2];
                    }
                    sums[x * 3] += r;
                    sums[(x * 3) + 1] += g;
                    sums[(x * 3) + 2] += b;
                }
            }
            var o = destination.AsSpan(y * ow * 3, ow * 3);
            for (var i = 0; i < o.Length; i++)
            {
                o[i] = (byte)((sums[i] + half) / area);
            }
        }
        return new RgbFrame(destination.AsMemory(0, ow * oh * 3), ow, oh);
    }

    /// <summary>2×2 averaging, the common case (640×480 and 720p frames into the 256-pixel detector).</summary>
    private static RgbFrame BoxDownscale2(RgbFrame source, int ow, int oh, byte[] destination)
    {
        var stride = source.Width * 3;
        ref var src = ref MemoryMarshal.GetReference(source.Bytes);
        ref var dst = ref MemoryMarshal.GetArrayDataReference(destination);
        var o = 0;
        for (var y = 0; y < oh; y++)
        {
            ref var r0 = ref Unsafe.Add(ref src, 2 * y * stride);
            ref var r1 = ref Unsafe.Add(ref r0, stride);
            for (var x = 0; x < ow; x++)
            {
                var p = x * 6;
                for (var c = 0; c < 3; c++)
                {
                    var sum = Unsafe.Add(ref r0, p + c) + Unsafe.Add(ref r0, p + 3 + c) + Unsafe.Add(ref r1, p + c) + Unsafe.Add(ref r1, p + 3 + c);
                    Unsafe.Add(ref dst, o++) = (byte)((sum + 2) >> 2);
                }
            }
        }
        return new RgbFrame(destination.AsMemory(0, ow * oh * 3), ow, oh);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SampleRgb(ReadOnlySpan<byte> src, int w, int h, int stride, float sx, float sy, out float r, out float g, out float b, bool clampEdges = false)
    {
        var x0f = MathF.Floor(sx);
        var y0f = MathF.Floor(sy);
        var x0 = (int)x0f;
        var y0 = (int)y0f;
        var fx = sx - x0f;
        var fy = sy - y0f;
        if ((uint)x0 < (uint)(w - 1) && (uint)y0 < (uint)(h - 1))
        {
            // Fast path: all four neighbours inside.
            var p = (y0 * stride) + (x0 * 3);
            var q = p + stride;
            var w00 = (1 - fx) * (1 - fy);
            var w10 = fx * (1 - fy);
            var w01 = (1 - fx) * fy;
            var w11 = fx * fy;
            r = (src[p] * w00) + (src[p + 3] * w10) + (src[q] * w01) + (src[q + 3] * w11);
            g = (src[p + 1] * w00) + (src[p + 4] * w10) + (src[q + 1] * w01) + (src[q + 4] * w11);
            b = (src[p + 2] * w00) + (src[p + 5] * w10) + (src[q + 2] * w01) + (src[q + 5] * w11);
            return;
        }
        r = g = b = 0;
        if (clampEdges)
        {
            // Replicate the border instead of reading black: a face crop that leaves the frame then looks like
            // a slightly stretched edge rather than a black bar the emotion model never saw in training.
            var cx0 = Math.Clamp(x0, 0, w - 1);
            var cx1 = Math.Clamp(x0 + 1, 0, w - 1);
            var cy0 = Math.Clamp(y0, 0, h - 1);
            var cy1 = Math.Clamp(y0 + 1, 0, h - 1);
            fx = Math.Clamp(sx - x0f, 0, 1);
            fy = Math.Clamp(sy - y0f, 0, 1);
            Accumulate(src, w, h, stride, cx0, cy0, (1 - fx) * (1 - fy), ref r, ref g, ref b);
            Accumulate(src, w, h, stride, cx1, cy0, fx * (1 - fy), ref r, ref g, ref b);
            Accumulate(src, w, h, stride, cx0, cy1, (1 - fx) * fy, ref r, ref g, ref b);
            Accumulate(src, w, h, stride, cx1, cy1, fx * fy, ref r, ref g, ref b);
            return;
        }
        Accumulate(src, w, h, stride, x0, y0, (1 - fx) * (1 - fy), ref r, ref g, ref b);
        Accumulate(src, w, h, stride, x0 + 1, y0, fx * (1 - fy), ref r, ref g, ref b);
        Accumulate(src, w, h, stride, x0, y0 + 1, (1 - fx) * fy, ref r, ref g, ref b);
        Accumulate(src, w, h, stride, x0 + 1, y0 + 1, fx * fy, ref r, ref g, ref b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ReadOnlySpan<byte> src, int w, int h, int stride, int x, int y, float weight, ref float r, ref float g, ref float b)
    {
        if ((uint)x >= (uint)w || (uint)y >= (uint)h || weight == 0)
        {
            return;
        }
        var p = (y * stride) + (x * 3);
        r += src[p] * weight;
        g += src[p + 1] * weight;
        b += src[p + 2] * weight;
    }
}
