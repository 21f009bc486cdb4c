using Onnx;

namespace BlazorMood.ModelImport.OnnxBuild;

/// <summary>
/// Lets the converted CenterNet take any input height (a multiple of 32) at its 512-px width, instead of only
/// 512×512. Human letterboxes every picture into a 512×512 square, so a 16:9 video frame arrives as 288 rows of
/// picture over 224 rows of black that the network spends 44 % of its time on. The network is convolutional except
/// for three places where TF.js froze the 512×512 shape into constants, which this rewrites after conversion:
/// <list type="bullet">
/// <item>the input's height becomes the symbolic <c>height</c>;</item>
/// <item>the three 2× upsamplings of the feature pyramid (ResizeBilinear with frozen output sizes) scale by 2 instead;</item>
/// <item>the box head's reshape to <c>[128·128, 4]</c> rows becomes <c>[-1, 4]</c>.</item>
/// </list>
/// The decoding of the top 100 peaks divides by the heatmap's width (128) and class count (80), which do not change.
/// At 512×512 the rewritten graph computes what the original does (the parity test against TF.js runs on it); at
/// other heights its detections match a letterboxed run when at least one 32-row band of black stays below the
/// picture (PoseAndObjectTests), since people cut off by the bottom edge score lower without it.
/// </summary>
public static class CenterNetVariableHeight
{
    public const string HeightDimension = "height";

    private const string FrozenBoxRows = "const/int64/[16384_4]";
    private const string UpsampleScales = "const/float/[1_2_2_1]";
    private const string AnyBoxRows = "const/int64/[-1_4]";

    public static void Apply(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph;
        var input = graph.Input.Single();
        var dims = input.Type.TensorType.Shape.Dim;
        if (dims.Count != 4 || dims[1].DimValue != 512 || dims[2].DimValue != 512)
        {
            throw new InvalidOperationException($"Expected CenterNet's [1, 512, 512, 3] input, found {input.Type.TensorType.Shape}.");
        }
        dims[1].ClearDimValue();
        dims[1].DimParam = HeightDimension;

        var resizes = graph.Node.Where(n => n.OpType == "Resize").ToList();
        if (resizes.Count != 3 || resizes.Any(n => n.Input.Count != 4 || n.Input[1].Length != 0 || n.Input[2].Length != 0))
        {
            throw new InvalidOperationException("Expected three Resize nodes with frozen output sizes.");
        }
        var scales = new TensorProto { Name = UpsampleScales, DataType = (int)TensorProto.Types.DataType.Float };
        scales.Dims.Add(4);
        scales.FloatData.AddRange([1f, 2f, 2f, 1f]);
        graph.Initializer.Add(scales);
        var frozenSizes = new List<TensorProto>();
        foreach (var resize in resizes)
        {
            var sizes = graph.Initializer.Single(i => i.Name == resize.Input[3]);
            frozenSizes.Add(sizes);
            var values = Int64s(sizes);
            var (height, width) = (values[1], values[2]);
            if (height != width)
            {
                throw new InvalidOperationException($"Resize {resize.Name} was expected to double a square map, not to reach {height}×{width}.");
            }
            var x = resize.Input[0];
            resize.Input.Clear();
            resize.Input.AddRange([x, "", UpsampleScales]);
        }
        foreach (var unused in frozenSizes.Where(i => !graph.Node.Any(n => n.Input.Contains(i.Name))))
        {
            graph.Initializer.Remove(unused);
        }

        var frozen = graph.Initializer.SingleOrDefault(i => i.Name == FrozenBoxRows)
            ?? throw new InvalidOperationException($"Expected the box head's frozen reshape {FrozenBoxRows}.");
        var users = graph.Node.Where(n => n.Input.Contains(FrozenBoxRows)).ToList();
        if (users is not [{ OpType: "Reshape" } reshape])
        {
            throw new InvalidOperationException($"Expected one Reshape to use {FrozenBoxRows}.");
        }
        if (Int64s(frozen) is not [16384, 4])
        {
            throw new InvalidOperationException($"Expected {FrozenBoxRows} to hold [16384, 4].");
        }
        var rows = new TensorProto { Name = AnyBoxRows, DataType = (int)TensorProto.Types.DataType.Int64 };
        rows.Dims.Add(2);
        rows.Int64Data.AddRange([-1L, 4L]);
        graph.Initializer.Add(rows);
        reshape.Input[1] = AnyBoxRows;
        graph.Initializer.Remove(frozen);
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = "rewrite",
            Value = "input height symbolic (a multiple of 32, width 512), the three upsamplings scale by 2, the box rows reshape to [-1, 4]",
        });
    }

    private static long[] Int64s(TensorProto tensor) => tensor.Int64Data.Count > 0
        ? [.. tensor.Int64Data]
        : [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(tensor.RawData.Span)];
}
