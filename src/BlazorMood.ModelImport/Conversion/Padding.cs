namespace BlazorMood.ModelImport.Conversion;

/// <summary>Explicit padding for one spatial axis: elements added before (top/left) and after (bottom/right).</summary>
public readonly record struct AxisPadding(int Before, int After);

/// <summary>
/// TensorFlow's padding rules, turned into the explicit pads ONNX wants. TF's SAME padding puts the odd
/// extra element after (bottom/right); ONNX's SAME_LOWER would put it before, so explicit pads are emitted.
/// </summary>
public static class Padding
{
    /// <summary>TF SAME: output = ceil(in / stride); the total padding needed is split with the larger half after.</summary>
    public static AxisPadding Same(int inputSize, int kernel, int stride, int dilation)
    {
        if (inputSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), "SAME padding needs a known input size.");
        }
        var effectiveKernel = (kernel - 1) * dilation + 1;
        var output = (inputSize + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + effectiveKernel - inputSize, 0);
        return new AxisPadding(total / 2, total - total / 2);
    }

    /// <summary>Output size along one axis after padding, as both TF and ONNX compute it (floor division).</summary>
    public static int OutputSize(int inputSize, int kernel, int stride, int dilation, AxisPadding pad)
    {
        if (inputSize < 0)
        {
            return -1;
        }
        var effectiveKernel = (kernel - 1) * dilation + 1;
        return (inputSize + pad.Before + pad.After - effectiveKernel) / stride + 1;
    }
}
