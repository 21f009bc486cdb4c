using BlazorMood.Vision.Faces;
using BlazorMood.Vision.Imaging;

namespace BlazorMood.Vision.Tests;

public class GeometryTests
{
    [Fact]
    public void BlazeFace_has_896_anchors_on_two_grids()
    {
        var anchors = BlazeFaceAnchors.Generate(256);
        Assert.Equal(896 * 2, anchors.Length);
        // First layer: stride 16, two anchors per cell, starting at the first cell's centre.
        Assert.Equal((8f, 8f), (anchors[0], anchors[1]));
        Assert.Equal((8f, 8f), (anchors[2], anchors[3]));
        Assert.Equal((24f, 8f), (anchors[4], anchors[5]));
        // Anchor 511 is the last of the 16×16 grid; 512 starts the 8×8 grid (stride 32) with six per cell.
        Assert.Equal((248f, 248f), (anchors[2 * 511], anchors[(2 * 511) + 1]));
        Assert.Equal((16f, 16f), (anchors[2 * 512], anchors[(2 * 512) + 1]));
        Assert.Equal((16f, 16f), (anchors[2 * 517], anchors[(2 * 517) + 1]));
        Assert.Equal((48f, 16f), (anchors[2 * 518], anchors[(2 * 518) + 1]));
        Assert.Equal((240f, 240f), (anchors[^2], anchors[^1]));
    }

    [Fact]
    public void Intersection_over_union()
    {
        var a = new ImageBox(0, 0, 10, 10);
        Assert.Equal(1f, a.IntersectionOverUnion(a));
        Assert.Equal(0f, a.IntersectionOverUnion(new ImageBox(10, 0, 10, 10)));
        Assert.Equal(25f / 175f, a.IntersectionOverUnion(new ImageBox(5, 5, 10, 10)), 5);
        Assert.Equal(0f, a.IntersectionOverUnion(new ImageBox(0, 0, 0, 0)));
    }

    [Fact]
    public void Nms_keeps_the_best_of_each_overlapping_group_in_score_order()
    {
        ImageBox[] boxes = [new(0, 0, 10, 10), new(1, 1, 10, 10), new(50, 50, 10, 10), new(0.5f, 0, 10, 10), new(51, 50, 10, 10)];
        float[] scores = [0.8f, 0.9f, 0.7f, 0.6f, 0.95f];
        var kept = NonMaxSuppression.Suppress(boxes, scores, 0.5f, 10);
        Assert.Equal([4, 1], kept);

        var clusters = NonMaxSuppression.Cluster(boxes, scores, 0.5f, 10);
        Assert.Equal(2, clusters.Count);
        Assert.Equal([4, 2], clusters[0]);
        Assert.Equal([1, 0, 3], clusters[1]);
    }

    [Fact]
    public void Nms_respects_threshold_and_maximum()
    {
        ImageBox[] boxes = [new(0, 0, 10, 10), new(5, 0, 10, 10), new(100, 0, 10, 10)];
        float[] scores = [0.9f, 0.8f, 0.7f];
        // IoU of the first two is 1/3: kept apart at 0.5, merged at 0.3.
        Assert.Equal([0, 1, 2], NonMaxSuppression.Suppress(boxes, scores, 0.5f, 10));
        Assert.Equal([0, 2], NonMaxSuppression.Suppress(boxes, scores, 0.3f, 10));
        Assert.Equal([0], NonMaxSuppression.Suppress(boxes, scores, 0.5f, 1));
        Assert.Empty(NonMaxSuppression.Suppress([], [], 0.5f, 10));
    }

    [Fact]
    public void Affine_inverse_round_trips()
    {
        var angle = 0.35f;
        var m = new Affine(2 * MathF.Cos(angle), -2 * MathF.Sin(angle), 30, 2 * MathF.Sin(angle), 2 * MathF.Cos(angle), -7);
        var p = m.Invert().Map(m.Map(12.5f, -3f));
        Assert.Equal(12.5f, p.X, 3);
        Assert.Equal(-3f, p.Y, 3);
        Assert.Equal(2f, m.Scale, 4);
    }

    [Fact]
    public void Identity_warp_reproduces_the_source_and_outside_reads_black()
    {
        const int w = 7, h = 5;
        var rgb = new byte[w * h * 3];
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)((i * 37) % 251);
        }
        var frame = new RgbFrame(rgb, w, h);
        var dst = new float[w * h * 3];
        Resampler.WarpRgb(frame, Affine.ScaleTranslate(1, 0, 0), w, h, dst, 1, 0);
        Assert.Equal(rgb.Select(b => (float)b), dst);

        // Shifted far outside: all black, i.e. "add" after normalisation.
        Resampler.WarpRgb(frame, Affine.ScaleTranslate(1, 1000, 0), w, h, dst, 1 / 127.5f, -1);
        Assert.All(dst, v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void Half_pixel_shift_averages_neighbours_and_box_downscale_averages_blocks()
    {
        byte[] rgb = [0, 0, 0, 100, 100, 100, 200, 200, 200, 50, 50, 50];
        var frame = new RgbFrame(rgb, 4, 1);
        var dst = new float[3];
        Resampler.WarpRgb(frame, Affine.ScaleTranslate(1, 0.5f, 0), 1, 1, dst, 1, 0);
        Assert.Equal(50f, dst[0], 3);

        var square = new RgbFrame(Enumerable.Range(0, 4 * 4 * 3).Select(i => (byte)(i / 3 % 4 * 10)).ToArray(), 4, 4);
        var reduced = Resampler.BoxDownscale(square, 2, new byte[2 * 2 * 3]);
        Assert.Equal((2, 2), (reduced.Width, reduced.Height));
        Assert.Equal(5, reduced.Bytes[0]);  // mean of 0, 10, 0, 10
        Assert.Equal(25, reduced.Bytes[3]); // mean of 20, 30, 20, 30
    }

    [Fact]
    public void Gray_warp_uses_the_model_weights_and_can_mirror()
    {
        byte[] rgb = [255, 0, 0, 0, 255, 0];
        var frame = new RgbFrame(rgb, 2, 1);
        var dst = new float[2];
        Resampler.WarpGray(frame, Affine.ScaleTranslate(1, 0, 0), 2, 1, dst, 0.2989f, 0.5870f, 0.1140f, 1, 0, 1);
        Assert.Equal(0.2989f * 255, dst[0], 2);
        Assert.Equal(0.5870f * 255, dst[1], 2);
        Resampler.WarpGray(frame, Affine.ScaleTranslate(1, 0, 0), 2, 1, dst, 0.2989f, 0.5870f, 0.1140f, 1, 0, 1, mirror: true);
        Assert.Equal(0.5870f * 255, dst[0], 2);
    }

    [Fact]
    public void Gray_upscale_keeps_flat_regions_and_interpolates_edges()
    {
        float[] low = [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1];
        var high = new float[8 * 8];
        Resampler.UpscaleGray(low, 4, high, 8);
        Assert.Equal(0f, high[0]);
        Assert.Equal(1f, high[7]);
        Assert.InRange(high[3], 0.2f, 0.5f);
        Assert.InRange(high[4], 0.5f, 0.8f);
        Assert.Equal(high[3], high[(7 * 8) + 3]);
    }
}
