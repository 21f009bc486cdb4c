using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// TF MatMul of two 2-D tensors (face-api's fully connected layers). Transposed operands are transposed
/// explicitly: ONNX MatMul has no transpose attributes, and a constant operand is transposed once at import.
/// </summary>
internal sealed class MatMulConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["MatMul"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        var a = ctx.InputInfo(node, 0);
        var b = ctx.InputInfo(node, 1);
        if (a.Shape is not { Length: 2 } || b.Shape is not { Length: 2 })
        {
            throw new ConversionException($"Node {node}: only 2-D MatMul is supported, got {a} and {b}.");
        }
        if (a.Type != ElementType.Float || b.Type != ElementType.Float)
        {
            throw new ConversionException($"Node {node}: only float32 MatMul is supported, got {a} and {b}.");
        }
        var g = ctx.Graph;
        var x = ctx.Input(node, 0);
        var aShape = a.Shape;
        if (node.BoolAttr("transpose_a", false))
        {
            x = Layout.Transpose(ctx, x, [1, 0], node.Name + "/a_t");
            aShape = [aShape[1], aShape[0]];
        }
        string y;
        var bShape = b.Shape;
        if (node.BoolAttr("transpose_b", false))
        {
            bShape = [bShape[1], bShape[0]];
            y = ctx.Constant(node, 1) is not null
                ? ctx.DerivedInitializer(node, 1, "transposed", Transpose2D)
                : Layout.Transpose(ctx, ctx.Input(node, 1), [1, 0], node.Name + "/b_t");
        }
        else
        {
            y = ctx.Input(node, 1);
        }
        if (aShape[1] >= 0 && bShape[0] >= 0 && aShape[1] != bShape[0])
        {
            throw new ConversionException($"Node {node}: inner dimensions differ ([{string.Join(',', aShape)}] × [{string.Join(',', bShape)}]).");
        }
        ctx.SetOutput(node, g.Add("MatMul", node.Name, [x, y]), new TensorInfo(ElementType.Float, [aShape[0], bShape[1]]));
    }

    private static TensorData Transpose2D(TensorData t)
    {
        var (rows, cols) = (t.Shape[0], t.Shape[1]);
        var src = t.AsFloats();
        var dst = new float[src.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
        return TensorData.Floats([cols, rows], dst);
    }
}
