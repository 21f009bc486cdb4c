using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>One-input ops that keep the shape: activations, math functions, Softmax, Cast and the identities.</summary>
internal sealed class UnaryConverter : IOpConverter
{
    private static readonly Dictionary<string, string> Direct = new(StringComparer.Ordinal)
    {
        ["Sqrt"] = "Sqrt",
        ["Exp"] = "Exp",
        ["Log"] = "Log",
        ["Neg"] = "Neg",
        ["Abs"] = "Abs",
        ["Floor"] = "Floor",
        ["Ceil"] = "Ceil",
        ["Reciprocal"] = "Reciprocal",
        ["Sign"] = "Sign",
        ["LogicalNot"] = "Not",
    };

    public IReadOnlyList<string> Ops { get; } = ["Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "LeakyRelu",
        "Sqrt", "Rsqrt", "Exp", "Log", "Neg", "Abs", "Floor", "Ceil", "Reciprocal", "Sign", "LogicalNot", "Square",
        "Softmax", "Cast", "Identity", "StopGradient", "Snapshot"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var x = ctx.Input(node, 0);
        var g = ctx.Graph;
        switch (node.Op)
        {
            case "Identity" or "StopGradient" or "Snapshot":
                // No node: the TF tensor is simply another name for its input.
                ctx.SetOutput(node, x, info);
                return;
            case "Cast":
                var to = node.RequireAttribute("DstT").AsType();
                ctx.SetOutput(node, g.Add("Cast", node.Name, [x], OnnxGraphBuilder.Attr("to", (long)to)), info with { Type = to });
                return;
            case "Softmax":
                // TF's Softmax normalises over the last axis; opset 13 Softmax does that with axis=-1.
                ctx.SetOutput(node, g.Add("Softmax", node.Name, [x], OnnxGraphBuilder.Attr("axis", -1L)), info);
                return;
            case "Rsqrt":
                var sqrt = g.Add("Sqrt", node.Name + "/sqrt", [x]);
                ctx.SetOutput(node, g.Add("Reciprocal", node.Name, [sqrt]), info);
                return;
            case "Square":
                ctx.SetOutput(node, g.Add("Mul", node.Name, [x, x]), info);
                return;
        }
        var output = Direct.TryGetValue(node.Op, out var onnxOp)
            ? g.Add(onnxOp, node.Name, [x])
            : Activations.Apply(ctx, node, node.Op, x, node.Name);
        ctx.SetOutput(node, output, info);
    }
}
