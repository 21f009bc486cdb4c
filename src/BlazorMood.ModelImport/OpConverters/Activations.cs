using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>Activation functions, shared by the standalone TF ops and the ones fused into convolutions.</summary>
internal static class Activations
{
    public static bool IsKnown(string name) => name is "Relu" or "Relu6" or "Elu" or "Sigmoid" or "Tanh" or "LeakyRelu" or "Prelu";

    /// <summary>
    /// Applies <paramref name="activation"/> to <paramref name="x"/>. Relu6 becomes Clip(0, 6), which ONNX Runtime
    /// fuses into a preceding Conv just like Relu.
    /// </summary>
    public static string Apply(ConversionContext ctx, TfjsNode node, string activation, string x, string name, string? preluAlpha = null)
    {
        var g = ctx.Graph;
        return activation switch
        {
            "Relu" => g.Add("Relu", name, [x]),
            "Relu6" => g.Add("Clip", name, [x, g.ScalarFloat(0f), g.ScalarFloat(6f)]),
            "Elu" => g.Add("Elu", name, [x], OnnxGraphBuilder.Attr("alpha", 1f)),
            "Sigmoid" => g.Add("Sigmoid", name, [x]),
            "Tanh" => g.Add("Tanh", name, [x]),
            "LeakyRelu" => g.Add("LeakyRelu", name, [x], OnnxGraphBuilder.Attr("alpha", node.FloatAttr("leakyrelu_alpha", node.FloatAttr("alpha", 0.2f)))),
            "Prelu" => g.Add("PRelu", name, [x, preluAlpha ?? throw new ConversionException($"Node {node}: Prelu needs an alpha input.")]),
            _ => throw new ConversionException($"Node {node}: activation '{activation}' is not supported."),
        };
    }
}
