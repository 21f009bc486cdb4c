using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>Ops that move data around without computing: Reshape, Squeeze, ExpandDims, ConcatV2, Pad, Transpose.</summary>
internal sealed class ShapeConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["Reshape", "Squeeze", "ExpandDims", "ConcatV2", "Pad", "PadV2", "Transpose"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        switch (node.Op)
        {
            case "Reshape": Reshape(node, ctx); break;
            case "Squeeze": Squeeze(node, ctx); break;
            case "ExpandDims": ExpandDims(node, ctx); break;
            case "ConcatV2": Concat(node, ctx); break;
            case "Pad" or "PadV2": Pad(node, ctx); break;
            case "Transpose": Transpose(node, ctx); break;
            default: throw new ConversionException($"Node {node}: op not handled.");
        }
    }

    private static void Reshape(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var g = ctx.Graph;
        if (ctx.Constant(node, 1) is { } target)
        {
            var dims = target.AsInt64s();
            // TF reads 0 as "a dimension of size 0"; ONNX reads it as "copy the input's" unless allowzero=1.
            var attrs = dims.Contains(0) ? new[] { OnnxGraphBuilder.Attr("allowzero", 1L) } : [];
            var output = g.Add("Reshape", node.Name, [ctx.Input(node, 0), g.Int64s(dims)], attrs);
            ctx.SetOutput(node, output, new TensorInfo(info.Type, Shapes.Reshape(info.Shape, dims)));
            return;
        }
        // A shape computed at run time: ONNX wants it as int64.
        var shapeInfo = ctx.InputInfo(node, 1);
        var shape = shapeInfo.Type == ElementType.Int64
            ? ctx.Input(node, 1)
            : g.Add("Cast", node.Name + "/shape_i64", [ctx.Input(node, 1)], OnnxGraphBuilder.Attr("to", (long)ElementType.Int64));
        var rank = shapeInfo.Shape is { Length: 1 } s && s[0] >= 0 ? s[0] : -1;
        ctx.SetOutput(node, g.Add("Reshape", node.Name, [ctx.Input(node, 0), shape]),
            new TensorInfo(info.Type, rank < 0 ? null : Enumerable.Repeat(-1, rank).ToArray()));
    }

    private static void Squeeze(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var dims = node.IntListAttr("squeeze_dims");
        if (dims.Count == 0)
        {
            dims = node.IntListAttr("axis");
        }
        var g = ctx.Graph;
        if (dims.Count == 0)
        {
            // No axes: every size-1 dimension goes, which needs the shape to be known.
            if (!info.IsFullyKnown)
            {
                throw new ConversionException($"Node {node}: Squeeze without squeeze_dims needs a fully known input shape, got {info}.");
            }
            dims = info.Shape!.Select((d, i) => (d, (long)i)).Where(t => t.d == 1).Select(t => t.Item2).ToArray();
        }
        var rank = info.Rank;
        var axes = dims.Select(d => (long)Shapes.NormalizeAxis(d, rank)).Distinct().Order().ToArray();
        var output = g.Add("Squeeze", node.Name, [ctx.Input(node, 0), g.Int64s(axes)]);
        ctx.SetOutput(node, output, new TensorInfo(info.Type, info.Shape!.Where((_, i) => !axes.Contains(i)).ToArray()));
    }

    private static void ExpandDims(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var dim = ctx.RequireConstant(node, 1, "dim").AsInt64s().Single();
        var output = Unsqueeze(ctx, ctx.Input(node, 0), info, dim, node.Name, out var shape);
        ctx.SetOutput(node, output, new TensorInfo(info.Type, shape));
    }

    /// <summary>TF ExpandDims/Pack axis semantics: a negative axis counts from the end of the result, as in ONNX Unsqueeze.</summary>
    internal static string Unsqueeze(ConversionContext ctx, string input, TensorInfo info, long axis, string name, out int[]? shape)
    {
        shape = null;
        if (info.HasRank)
        {
            var axisPos = Shapes.NormalizeAxis(axis, info.Rank + 1);
            var s = info.Shape!.ToList();
            s.Insert(axisPos, 1);
            shape = [.. s];
            axis = axisPos;
        }
        return ctx.Graph.Add("Unsqueeze", name, [input, ctx.Graph.Int64s(axis)]);
    }

    private static void Concat(TfjsNode node, ConversionContext ctx)
    {
        var n = node.Inputs.Count - 1;
        var axisValue = ctx.RequireConstant(node, n, "axis").AsInt64s().Single();
        var infos = Enumerable.Range(0, n).Select(i => ctx.InputInfo(node, i)).ToList();
        int[]? shape = null;
        var axis = axisValue;
        if (infos.All(i => i.HasRank))
        {
            var rank = infos[0].Rank;
            var a = Shapes.NormalizeAxis(axisValue, rank);
            axis = a;
            shape = [.. infos[0].Shape!];
            shape[a] = infos.Any(i => i.Shape![a] < 0) ? -1 : infos.Sum(i => i.Shape![a]);
            for (var d = 0; d < rank; d++)
            {
                if (d != a && shape[d] < 0)
                {
                    shape[d] = infos.Select(i => i.Shape![d]).FirstOrDefault(v => v >= 0, -1);
                }
            }
        }
        var output = ctx.Graph.Add("Concat", node.Name, Enumerable.Range(0, n).Select(i => ctx.Input(node, i)).ToList(),
            OnnxGraphBuilder.Attr("axis", axis));
        ctx.SetOutput(node, output, new TensorInfo(infos[0].Type, shape));
    }

    private static void Pad(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var paddings = ctx.RequireConstant(node, 1, "paddings");
        if (paddings.Rank != 2 || paddings.Shape[1] != 2)
        {
            throw new ConversionException($"Node {node}: paddings must be [rank, 2], got [{string.Join(',', paddings.Shape)}].");
        }
        var p = paddings.AsInt64s();
        var rank = paddings.Shape[0];
        // TF: [[before0, after0], [before1, after1], ...]; ONNX: [before0, before1, ..., after0, after1, ...].
        var pads = Enumerable.Range(0, rank).Select(i => p[2 * i]).Concat(Enumerable.Range(0, rank).Select(i => p[2 * i + 1])).ToArray();
        var g = ctx.Graph;
        var inputs = new List<string> { ctx.Input(node, 0), g.Int64s(pads) };
        if (node.Op == "PadV2")
        {
            inputs.Add(ctx.Input(node, 2));
        }
        var output = g.Add("Pad", node.Name, inputs, OnnxGraphBuilder.Attr("mode", "constant"));
        var shape = info.Shape?.Select((d, i) => d < 0 ? -1 : d + (int)p[2 * i] + (int)p[2 * i + 1]).ToArray();
        ctx.SetOutput(node, output, new TensorInfo(info.Type, shape));
    }

    private static void Transpose(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var perm = ctx.RequireConstant(node, 1, "perm").AsInt32s();
        var output = Layout.Transpose(ctx, ctx.Input(node, 0), perm, node.Name);
        ctx.SetOutput(node, output, new TensorInfo(info.Type, info.Shape is null ? null : Shapes.Permute(info.Shape, perm)));
    }
}
