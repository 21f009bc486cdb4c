using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// TF graphs here are NHWC; ONNX Conv/MaxPool are NCHW. Image ops are wrapped as Transpose→op→Transpose so that
/// every TF tensor keeps its TF layout. ONNX Runtime's transpose optimizer cancels the back-to-back pairs
/// between consecutive convolutions: after session optimisation one Transpose per model input is left, and the
/// models run as fast as the hand-converted versions measured earlier on this machine (see models/README.md).
/// </summary>
internal static class Layout
{
    public static readonly int[] NhwcToNchw = [0, 3, 1, 2];
    public static readonly int[] NchwToNhwc = [0, 2, 3, 1];

    public static string Transpose(ConversionContext ctx, string input, int[] perm, string name) =>
        ctx.Graph.Add("Transpose", name, [input], OnnxGraphBuilder.Attr("perm", perm.Select(p => (long)p)));

    public static void RequireNhwc(Tfjs.TfjsNode node)
    {
        var format = node.StringAttr("data_format", "NHWC");
        if (format != "NHWC")
        {
            throw new ConversionException($"Node {node}: data_format '{format}' is not supported (only NHWC).");
        }
    }

    public static int[] Rank4(Tfjs.TfjsNode node, TensorInfo info)
    {
        if (info.Shape is not { Length: 4 } s)
        {
            throw new ConversionException($"Node {node}: expected a 4-D NHWC input, got {info}.");
        }
        return s;
    }

    /// <summary>The H and W entries of an NHWC attribute list such as strides or ksize; N and C must be 1.</summary>
    public static (int H, int W) Spatial(Tfjs.TfjsNode node, string attr, int fallback)
    {
        var v = node.IntListAttr(attr);
        if (v.Count == 0)
        {
            return (fallback, fallback);
        }
        if (v.Count != 4 || v[0] != 1 || v[3] != 1)
        {
            throw new ConversionException($"Node {node}: attribute {attr}=[{string.Join(',', v)}] is not of the supported form [1,h,w,1].");
        }
        return ((int)v[1], (int)v[2]);
    }

    /// <summary>ONNX pads [top, left, bottom, right] for TF's padding attribute on an NHWC input of known H and W.</summary>
    public static (AxisPadding H, AxisPadding W) Pads(Tfjs.TfjsNode node, int[] inputShape, (int H, int W) kernel, (int H, int W) stride, (int H, int W) dilation)
    {
        var padding = node.StringAttr("padding", "VALID");
        switch (padding)
        {
            case "VALID":
                return (new AxisPadding(0, 0), new AxisPadding(0, 0));
            case "SAME":
                if (inputShape[1] < 0 || inputShape[2] < 0)
                {
                    throw new ConversionException($"Node {node}: SAME padding needs a static input height and width, got [{string.Join(',', inputShape)}].");
                }
                return (Padding.Same(inputShape[1], kernel.H, stride.H, dilation.H), Padding.Same(inputShape[2], kernel.W, stride.W, dilation.W));
            case "EXPLICIT":
                var p = node.IntListAttr("explicit_paddings");
                if (p.Count != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0)
                {
                    throw new ConversionException($"Node {node}: explicit_paddings [{string.Join(',', p)}] must pad only H and W.");
                }
                return (new AxisPadding((int)p[2], (int)p[3]), new AxisPadding((int)p[4], (int)p[5]));
            default:
                throw new ConversionException($"Node {node}: padding '{padding}' is not supported.");
        }
    }
}
