using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.OpConverters;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.Tests;

public sealed class PaddingTests
{
    [Theory]
    [InlineData(64, 3, 2, 1, 0, 1)]   // odd total: the extra row goes after (bottom/right), unlike ONNX SAME_LOWER
    [InlineData(64, 3, 1, 1, 1, 1)]
    [InlineData(256, 5, 1, 1, 2, 2)]
    [InlineData(256, 5, 2, 1, 1, 2)]
    [InlineData(7, 1, 2, 1, 0, 0)]
    [InlineData(5, 2, 1, 1, 0, 1)]
    [InlineData(10, 3, 1, 2, 2, 2)]   // dilation 2: effective kernel 5
    [InlineData(3, 7, 1, 1, 3, 3)]    // kernel larger than the input
    public void Same_padding_matches_tensorflow(int input, int kernel, int stride, int dilation, int before, int after)
    {
        var pad = Padding.Same(input, kernel, stride, dilation);
        Assert.Equal(new AxisPadding(before, after), pad);
        // SAME means ceil(input / stride) outputs.
        Assert.Equal((input + stride - 1) / stride, Padding.OutputSize(input, kernel, stride, dilation, pad));
    }
}

public sealed class WeightDequantisationTests
{
    [Fact]
    public void Float16_bits_become_exact_float32_values()
    {
        ushort[] bits = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x3555, 0x7C00];
        var bytes = bits.SelectMany(b => new[] { (byte)(b & 0xFF), (byte)(b >> 8) }).ToArray();
        var values = TfjsWeightReader.DequantizeFloat16(bytes);
        Assert.Equal(1f, values[0]);
        Assert.Equal(-2f, values[1]);
        Assert.Equal(65504f, values[2]);
        Assert.Equal(MathF.Pow(2, -24), values[3]);              // smallest subnormal
        Assert.True(values[4] == 0 && float.IsNegative(values[4])); // -0 keeps its sign
        Assert.Equal(0.333251953125f, values[5]);                // nearest half to 1/3
        Assert.Equal(float.PositiveInfinity, values[6]);
    }

    [Fact]
    public void Decode_dequantises_float16_and_affine_uint8_weights()
    {
        var half = new TfjsWeightSpec("w", ElementType.Float, [2], new TfjsQuantization("float16", null, null));
        Assert.Equal(4, half.ByteLength);
        Assert.Equal([0.5f, -1.5f], TfjsWeightReader.Decode(half, [0x00, 0x38, 0x00, 0xBE]).AsFloats());

        var affine = new TfjsWeightSpec("q", ElementType.Float, [3], new TfjsQuantization("uint8", 0.5f, -1f));
        Assert.Equal([-1f, 0f, 126.5f], TfjsWeightReader.Decode(affine, [0, 2, 255]).AsFloats());
    }

    [Fact]
    public void Decode_rejects_a_wrong_byte_count()
    {
        var spec = new TfjsWeightSpec("w", ElementType.Float, [2, 2], null);
        var e = Assert.Throws<InvalidDataException>(() => TfjsWeightReader.Decode(spec, new byte[12]));
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
    }
}

public sealed class NamingTests
{
    [Theory]
    [InlineData("input_1:0", "input_1")]
    [InlineData("Identity_3:0", "Identity_3")]
    [InlineData("tower_0/images", "tower_0_images")]
    [InlineData("TopKV2:1", "TopKV2_1")]
    public void Signature_names_are_sanitised(string tf, string onnx) => Assert.Equal(onnx, OnnxNames.ForSignature(tf));

    [Fact]
    public void Resize_coordinate_modes_follow_the_tf_flags()
    {
        Assert.Equal("align_corners", ResizeConverter.CoordinateMode(alignCorners: true, halfPixelCenters: false));
        Assert.Equal("half_pixel", ResizeConverter.CoordinateMode(alignCorners: false, halfPixelCenters: true));
        Assert.Equal("asymmetric", ResizeConverter.CoordinateMode(alignCorners: false, halfPixelCenters: false));
    }
}

public sealed class FilterLayoutTests
{
    [Fact]
    public void Conv_filter_moves_from_hwio_to_oihw()
    {
        // [kh=1, kw=2, in=2, out=3], value = 100*y + 10*x... encoded as (x, i, o) digits.
        var values = new float[12];
        for (var x = 0; x < 2; x++)
        {
            for (var i = 0; i < 2; i++)
            {
                for (var o = 0; o < 3; o++)
                {
                    values[(x * 2 + i) * 3 + o] = 100 * x + 10 * i + o;
                }
            }
        }
        var onnx = ConvolutionConverter.FilterToOnnx(TensorData.Floats([1, 2, 2, 3], values));
        Assert.Equal([3, 2, 1, 2], onnx.Shape);
        // ONNX [o, i, y, x]: o=2, i=1, x=1 → 100 + 10 + 2.
        Assert.Equal(112f, onnx.AsFloats()[((2 * 2 + 1) * 1 + 0) * 2 + 1]);
    }

    [Fact]
    public void Depthwise_filter_numbers_channels_as_tensorflow_does()
    {
        // [kh=1, kw=1, in=2, multiplier=2]: TF output channel c*2+m.
        var onnx = ConvolutionConverter.DepthwiseFilterToOnnx(TensorData.Floats([1, 1, 2, 2], [10, 11, 20, 21]));
        Assert.Equal([4, 1, 1, 1], onnx.Shape);
        Assert.Equal([10f, 11f, 20f, 21f], onnx.AsFloats());
    }
}

public sealed class TransposeHoistingTests
{
    [Fact]
    public void A_channel_constant_is_broadcast_and_moved_to_nchw()
    {
        // A per-channel NHWC constant [1,1,1,3] (or just [3]) becomes [1,3,1,1] for the NCHW side of the transpose.
        var nhwc = TensorData.Floats([3], [1, 2, 3]);
        var nchw = TransposeHoisting.Permute(nhwc, [0, 3, 1, 2]);
        Assert.Equal([1, 3, 1, 1], nchw.Shape);
        Assert.Equal([1f, 2f, 3f], nchw.AsFloats());
    }

    [Fact]
    public void Permute_transposes_a_matrix()
    {
        var m = TensorData.Int32s([2, 3], [1, 2, 3, 4, 5, 6]);
        var t = TransposeHoisting.Permute(m, [1, 0]);
        Assert.Equal([3, 2], t.Shape);
        Assert.Equal([1, 4, 2, 5, 3, 6], t.AsInt32s());
    }
}
