using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>Reductions over constant axes (Mean, Sum, Max, Min, Prod) and ArgMax/ArgMin.</summary>
internal sealed class ReductionConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["Mean", "Sum", "Max", "Min", "Prod", "ArgMax", "ArgMin"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        if (!info.HasRank)
        {
            throw new ConversionException($"Node {node}: the input rank must be known.");
        }
        var rank = info.Rank;
        var axes = ctx.RequireConstant(node, 1, "reduction axes").AsInt64s()
            .Select(a => (long)Shapes.NormalizeAxis(a, rank)).Distinct().Order().ToArray();
        var x = ctx.Input(node, 0);
        var g = ctx.Graph;

        if (node.Op is "ArgMax" or "ArgMin")
        {
            if (axes.Length != 1)
            {
                throw new ConversionException($"Node {node}: {node.Op} needs a single axis.");
            }
            // select_last_index=0: the first of equal maxima wins, as in TF.
            var indices = g.Add(node.Op, node.Name + "/int64", [x],
                OnnxGraphBuilder.Attr("axis", axes[0]), OnnxGraphBuilder.Attr("keepdims", 0L), OnnxGraphBuilder.Attr("select_last_index", 0L));
            var outType = node.Attribute("output_type")?.AsType() ?? ElementType.Int64;
            var output = outType == ElementType.Int64 ? indices : g.Add("Cast", node.Name, [indices], OnnxGraphBuilder.Attr("to", (long)outType));
            ctx.SetOutput(node, output, new TensorInfo(outType, info.Shape!.Where((_, i) => i != axes[0]).ToArray()));
            return;
        }

        var keep = node.BoolAttr("keep_dims", false);
        var keepAttr = OnnxGraphBuilder.Attr("keepdims", keep ? 1L : 0L);
        string reduced;
        if (axes.Length == 0)
        {
            // Reducing over no axes is the identity in TF.
            ctx.SetOutput(node, x, info);
            return;
        }
        if (node.Op == "Sum")
        {
            // Opset 13 moved ReduceSum's axes to an input; the other reductions still take an attribute.
            reduced = g.Add("ReduceSum", node.Name, [x, g.Int64s(axes)], keepAttr);
        }
        else
        {
            var onnxOp = node.Op switch { "Mean" => "ReduceMean", "Max" => "ReduceMax", "Min" => "ReduceMin", _ => "ReduceProd" };
            reduced = g.Add(onnxOp, node.Name, [x], OnnxGraphBuilder.Attr("axes", axes), keepAttr);
        }
        var shape = keep
            ? info.Shape!.Select((d, i) => axes.Contains(i) ? 1 : d).ToArray()
            : info.Shape!.Where((_, i) => !axes.Contains(i)).ToArray();
        ctx.SetOutput(node, reduced, new TensorInfo(info.Type, shape));
    }
}
