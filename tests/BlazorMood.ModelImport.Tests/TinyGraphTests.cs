using BlazorMood.ModelImport.Conversion;
using static BlazorMood.ModelImport.Tests.TinyTfjsModel;

namespace BlazorMood.ModelImport.Tests;

/// <summary>Small hand-built TF graphs converted and run in ONNX Runtime, checked against TensorFlow's documented semantics.</summary>
public sealed class TinyGraphTests
{
    [Fact]
    public void FloorDiv_and_FloorMod_round_towards_negative_infinity_for_integers()
    {
        using var m = new TinyTfjsModel();
        m.Placeholder("x", "int32", 4)
            .ConstInt("y", [4], 2, 2, -2, -2)
            .Node("div", "FloorDiv", ["x", "y"], new() { ["T"] = Type("int32") })
            .Node("mod", "FloorMod", ["x", "y"], new() { ["T"] = Type("int32") })
            .Node("out", "Pack", ["div", "mod"], new() { ["N"] = Int(2), ["axis"] = Int(0) })
            .Output("out", "int32", 2, 4);
        var onnx = TinyModelRunner.Convert(m.Write());
        var result = TinyModelRunner.Run<int, int>(onnx, "x", [-7, 7, -7, 7], [4], "out");
        Assert.Equal([-4, 3, 3, -4, 1, 1, -1, -1], result);
    }

    [Fact]
    public void StridedSlice_handles_shrink_ellipsis_and_negative_strides()
    {
        // x[1, ..., ::-2] on a [2,3,4] tensor holding 0..23.
        using var m = new TinyTfjsModel();
        m.Placeholder("x", "float32", 2, 3, 4)
            .ConstInt("b", [3], 1, 0, 0).ConstInt("e", [3], 2, 0, 0).ConstInt("s", [3], 1, 1, -2)
            .Node("out", "StridedSlice", ["x", "b", "e", "s"], new()
            {
                ["begin_mask"] = Int(4), ["end_mask"] = Int(4), ["ellipsis_mask"] = Int(2), ["new_axis_mask"] = Int(0), ["shrink_axis_mask"] = Int(1),
            })
            .Output("out", "float32", 3, 2);
        var onnx = TinyModelRunner.Convert(m.Write());
        var result = TinyModelRunner.Run<float, float>(onnx, "x", Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), [2, 3, 4], "out");
        Assert.Equal([15f, 13f, 19f, 17f, 23f, 21f], result);
    }

    [Fact]
    public void StridedSlice_inserts_new_axes()
    {
        // x[:, tf.newaxis, 0] on [2,3,4] → [2,1,4].
        using var m = new TinyTfjsModel();
        m.Placeholder("x", "float32", 2, 3, 4)
            .ConstInt("b", [3], 0, 0, 0).ConstInt("e", [3], 0, 0, 1).ConstInt("s", [3], 1, 1, 1)
            .Node("out", "StridedSlice", ["x", "b", "e", "s"], new()
            {
                ["begin_mask"] = Int(1), ["end_mask"] = Int(1), ["ellipsis_mask"] = Int(0), ["new_axis_mask"] = Int(2), ["shrink_axis_mask"] = Int(4),
            })
            .Output("out", "float32", 2, 1, 4);
        var onnx = TinyModelRunner.Convert(m.Write());
        var result = TinyModelRunner.Run<float, float>(onnx, "x", Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), [2, 3, 4], "out");
        Assert.Equal([0f, 1f, 2f, 3f, 12f, 13f, 14f, 15f], result);
    }

    [Fact]
    public void Same_padded_strided_conv_pads_bottom_right_like_tensorflow()
    {
        // 4x4 input, 2x2 kernel of ones, stride 2, SAME: TF pads nothing here (total 0); with 3x3 input it pads one after.
        using var m = new TinyTfjsModel();
        m.Placeholder("x", "float32", 1, 3, 3, 1)
            .ConstFloat("w", [2, 2, 1, 1], 1, 1, 1, 1)
            .Node("out", "Conv2D", ["x", "w"], new()
            {
                ["strides"] = Ints(1, 2, 2, 1), ["padding"] = Str("SAME"), ["data_format"] = Str("NHWC"), ["T"] = Type("float32"),
            })
            .Output("out", "float32", 1, 2, 2, 1);
        var onnx = TinyModelRunner.Convert(m.Write());
        var result = TinyModelRunner.Run<float, float>(onnx, "x", [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1], "out");
        // Windows: rows 0-1 × cols 0-1, cols 2-(pad); rows 2-(pad) × ...
        Assert.Equal([1f + 2 + 4 + 5, 3f + 6, 7f + 8, 9f], result);
    }

    [Fact]
    public void An_unsupported_op_fails_naming_the_op_and_the_node()
    {
        using var m = new TinyTfjsModel();
        m.Placeholder("x", "float32", 1, 4)
            .Node("my/erf", "Erf", ["x"], new() { ["T"] = Type("float32") })
            .Node("out", "Identity", ["my/erf"])
            .Output("out", "float32", 1, 4);
        var e = Assert.Throws<ConversionException>(() => TinyModelRunner.Convert(m.Write()));
        Assert.Contains("'Erf'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'my/erf'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_fused_op_fails_clearly()
    {
        using var m = new TinyTfjsModel();
        m.Placeholder("x", "float32", 1, 2, 2, 1)
            .ConstFloat("w", [1, 1, 1, 1], 1).ConstFloat("b", [1], 0)
            .Node("conv", "_FusedConv2D", ["x", "w", "b"], new()
            {
                ["fused_ops"] = Strs("FusedBatchNorm"), ["padding"] = Str("VALID"), ["strides"] = Ints(1, 1, 1, 1),
            })
            .Output("conv", "float32", 1, 2, 2, 1);
        var e = Assert.Throws<ConversionException>(() => TinyModelRunner.Convert(m.Write()));
        Assert.Contains("FusedBatchNorm", e.Message, StringComparison.Ordinal);
        Assert.Contains("'conv'", e.Message, StringComparison.Ordinal);
    }
}
