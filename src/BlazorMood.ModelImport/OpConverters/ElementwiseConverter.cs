using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// Binary elementwise ops. TF and ONNX broadcast alike, so most map one to one; the ones whose integer
/// semantics differ (FloorDiv, FloorMod) are spelled out.
/// </summary>
internal sealed class ElementwiseConverter : IOpConverter
{
    private static readonly Dictionary<string, string> Direct = new(StringComparer.Ordinal)
    {
        ["Add"] = "Add",
        ["AddV2"] = "Add",
        ["BiasAdd"] = "Add",
        ["Sub"] = "Sub",
        ["Mul"] = "Mul",
        ["RealDiv"] = "Div",
        ["Maximum"] = "Max",
        ["Minimum"] = "Min",
        ["Pow"] = "Pow",
    };

    private static readonly Dictionary<string, string> Comparisons = new(StringComparer.Ordinal)
    {
        ["Equal"] = "Equal",
        ["Greater"] = "Greater",
        ["GreaterEqual"] = "GreaterOrEqual",
        ["Less"] = "Less",
        ["LessEqual"] = "LessOrEqual",
        ["LogicalAnd"] = "And",
        ["LogicalOr"] = "Or",
    };

    public IReadOnlyList<string> Ops { get; } = ["Add", "AddV2", "BiasAdd", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "Pow",
        "Equal", "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr",
        "SquaredDifference", "FloorDiv", "FloorMod", "AddN"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        if (node.Op == "AddN")
        {
            ConvertAddN(node, ctx);
            return;
        }
        if (node.Op == "BiasAdd")
        {
            Layout.RequireNhwc(node);
        }
        var a = ctx.InputInfo(node, 0);
        var b = ctx.InputInfo(node, 1);
        if (a.Type != b.Type)
        {
            throw new ConversionException($"Node {node}: operand types differ ({a} and {b}).");
        }
        var shape = Shapes.Broadcast(a.Shape, b.Shape);
        var x = ctx.Input(node, 0);
        var y = ctx.Input(node, 1);
        var g = ctx.Graph;
        string output;
        var type = a.Type;
        if (Direct.TryGetValue(node.Op, out var onnxOp))
        {
            output = g.Add(onnxOp, node.Name, [x, y]);
        }
        else if (Comparisons.TryGetValue(node.Op, out var cmp))
        {
            output = g.Add(cmp, node.Name, [x, y]);
            type = ElementType.Bool;
        }
        else
        {
            output = node.Op switch
            {
                "SquaredDifference" => SquaredDifference(ctx, node, x, y),
                "FloorDiv" => FloorDiv(ctx, node, x, y, a.Type),
                "FloorMod" => FloorMod(ctx, node, x, y, a.Type),
                _ => throw new ConversionException($"Node {node}: op not handled."),
            };
        }
        ctx.SetOutput(node, output, new TensorInfo(type, shape));
    }

    private static string SquaredDifference(ConversionContext ctx, TfjsNode node, string x, string y)
    {
        var diff = ctx.Graph.Add("Sub", node.Name + "/diff", [x, y]);
        return ctx.Graph.Add("Mul", node.Name, [diff, diff]);
    }

    /// <summary>
    /// TF FloorDiv rounds toward -inf; ONNX integer Div truncates toward zero. For integers, a - floormod(a, b)
    /// is an exact multiple of b, so truncating division of it is the floor quotient for any signs.
    /// </summary>
    private static string FloorDiv(ConversionContext ctx, TfjsNode node, string x, string y, ElementType type)
    {
        var g = ctx.Graph;
        if (type == ElementType.Float)
        {
            var q = g.Add("Div", node.Name + "/div", [x, y]);
            return g.Add("Floor", node.Name, [q]);
        }
        RequireInteger(node, type);
        var mod = g.Add("Mod", node.Name + "/mod", [x, y], OnnxGraphBuilder.Attr("fmod", 0L));
        var exact = g.Add("Sub", node.Name + "/sub_mod", [x, mod]);
        return g.Add("Div", node.Name, [exact, y]);
    }

    /// <summary>TF FloorMod takes the divisor's sign: ONNX Mod with fmod=0 for integers; x - y*floor(x/y) for floats.</summary>
    private static string FloorMod(ConversionContext ctx, TfjsNode node, string x, string y, ElementType type)
    {
        var g = ctx.Graph;
        if (type == ElementType.Float)
        {
            var q = g.Add("Div", node.Name + "/div", [x, y]);
            var f = g.Add("Floor", node.Name + "/floor", [q]);
            var m = g.Add("Mul", node.Name + "/mul", [f, y]);
            return g.Add("Sub", node.Name, [x, m]);
        }
        RequireInteger(node, type);
        return g.Add("Mod", node.Name, [x, y], OnnxGraphBuilder.Attr("fmod", 0L));
    }

    private static void ConvertAddN(TfjsNode node, ConversionContext ctx)
    {
        var infos = Enumerable.Range(0, node.Inputs.Count).Select(i => ctx.InputInfo(node, i)).ToList();
        var shape = infos.Select(i => i.Shape).Aggregate(Shapes.Broadcast);
        var output = ctx.Graph.Add("Sum", node.Name, Enumerable.Range(0, node.Inputs.Count).Select(i => ctx.Input(node, i)).ToList());
        ctx.SetOutput(node, output, new TensorInfo(infos[0].Type, shape));
    }

    private static void RequireInteger(TfjsNode node, ElementType type)
    {
        if (type is not (ElementType.Int32 or ElementType.Int64))
        {
            throw new ConversionException($"Node {node}: {node.Op} on {type.Describe()} is not supported.");
        }
    }
}
