using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>Pack (stack) = Unsqueeze each + Concat; Unpack (unstack) = Split + Squeeze each.</summary>
internal sealed class PackingConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["Pack", "Unpack"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        if (node.Op == "Pack")
        {
            Pack(node, ctx);
        }
        else
        {
            Unpack(node, ctx);
        }
    }

    private static void Pack(TfjsNode node, ConversionContext ctx)
    {
        var axis = node.IntAttr("axis", 0);
        var parts = new List<string>();
        int[]? shape = null;
        var info0 = ctx.InputInfo(node, 0);
        for (var i = 0; i < node.Inputs.Count; i++)
        {
            var info = ctx.InputInfo(node, i);
            parts.Add(ShapeConverter.Unsqueeze(ctx, ctx.Input(node, i), info, axis, $"{node.Name}/expand_{i}", out var s));
            shape ??= s;
        }
        if (shape is not null)
        {
            axis = Shapes.NormalizeAxis(axis, shape.Length);
            shape[axis] = node.Inputs.Count;
        }
        var output = parts.Count == 1 ? parts[0] : ctx.Graph.Add("Concat", node.Name, parts, OnnxGraphBuilder.Attr("axis", axis));
        ctx.SetOutput(node, output, new TensorInfo(info0.Type, shape));
    }

    private static void Unpack(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        if (!info.HasRank)
        {
            throw new ConversionException($"Node {node}: Unpack needs a known input rank.");
        }
        var axis = Shapes.NormalizeAxis(node.IntAttr("axis", 0), info.Rank);
        var num = (int)node.IntAttr("num", info.Shape![axis]);
        if (num <= 0)
        {
            throw new ConversionException($"Node {node}: the number of outputs is unknown.");
        }
        var g = ctx.Graph;
        var outShape = info.Shape.Where((_, i) => i != axis).ToArray();
        var axes = g.Int64s(axis);
        IReadOnlyList<string> pieces;
        if (num == 1)
        {
            pieces = [ctx.Input(node, 0)];
        }
        else
        {
            var names = Enumerable.Range(0, num).Select(i => g.UniqueValueName($"{node.Name}/split_{i}")).ToList();
            g.AddNode("Split", node.Name + "/split", [ctx.Input(node, 0)], names, OnnxGraphBuilder.Attr("axis", (long)axis));
            pieces = names;
        }
        for (var i = 0; i < num; i++)
        {
            var name = i == 0 ? node.Name : $"{node.Name}:{i}";
            ctx.SetOutput(node, i, g.Add("Squeeze", name, [pieces[i], axes]), new TensorInfo(info.Type, outShape));
        }
    }
}
