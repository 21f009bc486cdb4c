using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>Index-based ops: GatherV2, GatherNd and TopKV2.</summary>
internal sealed class GatherConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["GatherV2", "GatherNd", "TopKV2"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        switch (node.Op)
        {
            case "GatherV2": GatherV2(node, ctx); break;
            case "GatherNd": GatherNd(node, ctx); break;
            default: TopK(node, ctx); break;
        }
    }

    private static void GatherV2(TfjsNode node, ConversionContext ctx)
    {
        if (node.IntAttr("batch_dims", 0) != 0)
        {
            throw new ConversionException($"Node {node}: GatherV2 with batch_dims != 0 is not supported.");
        }
        var data = ctx.InputInfo(node, 0);
        var indices = ctx.InputInfo(node, 1);
        var axisValue = ctx.RequireConstant(node, 2, "axis").AsInt64s().Single();
        int[]? shape = null;
        var axis = axisValue;
        if (data.HasRank)
        {
            var a = Shapes.NormalizeAxis(axisValue, data.Rank);
            axis = a;
            if (indices.HasRank)
            {
                shape = [.. data.Shape![..a], .. indices.Shape!, .. data.Shape![(a + 1)..]];
            }
        }
        // ONNX Gather takes int32 indices directly.
        var output = ctx.Graph.Add("Gather", node.Name, [ctx.Input(node, 0), ctx.Input(node, 1)], OnnxGraphBuilder.Attr("axis", axis));
        ctx.SetOutput(node, output, new TensorInfo(data.Type, shape));
    }

    private static void GatherNd(TfjsNode node, ConversionContext ctx)
    {
        var data = ctx.InputInfo(node, 0);
        var indices = ctx.InputInfo(node, 1);
        var g = ctx.Graph;
        var idx = indices.Type == ElementType.Int64
            ? ctx.Input(node, 1)
            : g.Add("Cast", node.Name + "/indices_i64", [ctx.Input(node, 1)], OnnxGraphBuilder.Attr("to", (long)ElementType.Int64));
        int[]? shape = null;
        if (data.HasRank && indices.HasRank && indices.Shape![^1] >= 0)
        {
            var depth = indices.Shape[^1];
            shape = [.. indices.Shape[..^1], .. data.Shape![depth..]];
        }
        var output = g.Add("GatherND", node.Name, [ctx.Input(node, 0), idx], OnnxGraphBuilder.Attr("batch_dims", 0L));
        ctx.SetOutput(node, output, new TensorInfo(data.Type, shape));
    }

    /// <summary>
    /// TopKV2 along the last axis. ONNX TopK (sorted, largest) breaks ties towards the lower index like TF;
    /// its int64 indices are cast back to TF's int32.
    /// </summary>
    private static void TopK(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var k = ctx.RequireConstant(node, 1, "k").AsInt64s().Single();
        var g = ctx.Graph;
        var values = g.UniqueValueName(node.Name);
        var indices64 = g.UniqueValueName(node.Name + "/indices_i64");
        g.AddNode("TopK", node.Name, [ctx.Input(node, 0), g.Int64s(k)], [values, indices64],
            OnnxGraphBuilder.Attr("axis", -1L), OnnxGraphBuilder.Attr("largest", 1L), OnnxGraphBuilder.Attr("sorted", 1L));
        var indexType = node.Attribute("index_type")?.AsType() ?? ElementType.Int32;
        var indices = indexType == ElementType.Int64
            ? indices64
            : g.Add("Cast", node.Name + ":1", [indices64], OnnxGraphBuilder.Attr("to", (long)indexType));
        int[]? shape = info.Shape is null ? null : [.. info.Shape[..^1], (int)k];
        ctx.SetOutput(node, 0, values, new TensorInfo(info.Type, shape));
        ctx.SetOutput(node, 1, indices, new TensorInfo(indexType, shape));
    }
}
