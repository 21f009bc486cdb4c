using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// Conv2D, DepthwiseConv2dNative and their grappler-fused forms (<c>_FusedConv2D</c>, <c>FusedDepthwiseConv2dNative</c>)
/// whose <c>fused_ops</c> list a BiasAdd and optionally an activation. Emitted as Transpose→Conv(+activation)→Transpose;
/// the activation sits before the back-transpose so ONNX Runtime can fuse it into the Conv.
/// </summary>
internal sealed class ConvolutionConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        Layout.RequireNhwc(node);
        var depthwise = node.Op.Contains("Depthwise", StringComparison.Ordinal);
        var x = ctx.InputInfo(node, 0);
        var xShape = Layout.Rank4(node, x);
        var filter = ctx.RequireConstant(node, 1, "filter");
        if (filter.Rank != 4 || filter.Type != ElementType.Float)
        {
            throw new ConversionException($"Node {node}: expected a 4-D float32 filter, got {filter.Type.Describe()}[{string.Join(',', filter.Shape)}].");
        }
        var (kh, kw, ci, cm) = (filter.Shape[0], filter.Shape[1], filter.Shape[2], filter.Shape[3]);
        if (xShape[3] >= 0 && xShape[3] != ci)
        {
            throw new ConversionException($"Node {node}: the input has {xShape[3]} channels but the filter expects {ci}.");
        }

        var (activation, hasBias) = ParseFusedOps(node);
        var stride = Layout.Spatial(node, "strides", 1);
        var dilation = Layout.Spatial(node, "dilations", 1);
        var (padH, padW) = Layout.Pads(node, xShape, (kh, kw), stride, dilation);
        var outChannels = depthwise ? ci * cm : cm;

        var weights = ctx.DerivedInitializer(node, 1, "filter/OIHW", f => depthwise ? DepthwiseFilterToOnnx(f) : FilterToOnnx(f));
        var inputs = new List<string> { Layout.Transpose(ctx, ctx.Input(node, 0), Layout.NhwcToNchw, node.Name + "/to_nchw"), weights };
        if (hasBias)
        {
            var bias = ctx.InputInfo(node, 2);
            if (bias.Shape is not { Length: 1 } bs || (bs[0] >= 0 && bs[0] != outChannels))
            {
                throw new ConversionException($"Node {node}: expected a bias of {outChannels} values, got {bias}.");
            }
            inputs.Add(ctx.Input(node, 2));
        }

        var y = ctx.Graph.Add("Conv", node.Name + "/conv", inputs,
            OnnxGraphBuilder.Attr("dilations", [dilation.H, dilation.W]),
            OnnxGraphBuilder.Attr("group", depthwise ? ci : 1),
            OnnxGraphBuilder.Attr("kernel_shape", [kh, kw]),
            OnnxGraphBuilder.Attr("pads", [padH.Before, padW.Before, padH.After, padW.After]),
            OnnxGraphBuilder.Attr("strides", [stride.H, stride.W]));
        if (activation is not null)
        {
            string? alpha = null;
            if (activation == "Prelu")
            {
                // TF's alpha is per channel on the last (C) axis; in NCHW it must broadcast as [C,1,1].
                alpha = ctx.DerivedInitializer(node, 3, "prelu/C11", a => TensorData.Floats([a.Count, 1, 1], a.AsFloats()));
            }
            y = Activations.Apply(ctx, node, activation, y, node.Name + "/" + activation.ToLowerInvariant(), alpha);
        }
        var output = Layout.Transpose(ctx, y, Layout.NchwToNhwc, node.Name);
        var outShape = new[]
        {
            xShape[0],
            Padding.OutputSize(xShape[1], kh, stride.H, dilation.H, padH),
            Padding.OutputSize(xShape[2], kw, stride.W, dilation.W, padW),
            outChannels,
        };
        ctx.SetOutput(node, output, new TensorInfo(ElementType.Float, outShape));
    }

    /// <summary>
    /// Reads <c>fused_ops</c>: [] for plain ops, [BiasAdd] or [BiasAdd, activation]. TF.js also allows a fused
    /// batch norm, which none of the supported models use; it fails loudly rather than converting wrongly.
    /// </summary>
    private static (string? Activation, bool HasBias) ParseFusedOps(TfjsNode node)
    {
        if (node.Op is "Conv2D" or "DepthwiseConv2dNative")
        {
            return (null, false);
        }
        var ops = node.StringListAttr("fused_ops");
        if (ops.Count == 0 || ops[0] != "BiasAdd" || ops.Count > 2 || (ops.Count == 2 && !Activations.IsKnown(ops[1])))
        {
            throw new ConversionException($"Node {node}: fused_ops [{string.Join(", ", ops)}] are not supported (expected BiasAdd optionally followed by Relu, Relu6, Elu, Sigmoid, Tanh, LeakyRelu or Prelu).");
        }
        return (ops.Count == 2 ? ops[1] : null, true);
    }

    /// <summary>TF conv filter [kh, kw, in, out] → ONNX [out, in, kh, kw].</summary>
    internal static TensorData FilterToOnnx(TensorData f)
    {
        var (kh, kw, ci, co) = (f.Shape[0], f.Shape[1], f.Shape[2], f.Shape[3]);
        var src = f.AsFloats();
        var dst = new float[src.Length];
        for (var y = 0; y < kh; y++)
        {
            for (var x = 0; x < kw; x++)
            {
                for (var i = 0; i < ci; i++)
                {
                    for (var o = 0; o < co; o++)
                    {
                        dst[((o * ci + i) * kh + y) * kw + x] = src[((y * kw + x) * ci + i) * co + o];
                    }
                }
            }
        }
        return TensorData.Floats([co, ci, kh, kw], dst);
    }

    /// <summary>
    /// TF depthwise filter [kh, kw, in, multiplier] → ONNX grouped-conv filter [in*multiplier, 1, kh, kw];
    /// TF numbers output channel c*multiplier+m, which is what group=in gives in ONNX.
    /// </summary>
    internal static TensorData DepthwiseFilterToOnnx(TensorData f)
    {
        var (kh, kw, ci, cm) = (f.Shape[0], f.Shape[1], f.Shape[2], f.Shape[3]);
        var src = f.AsFloats();
        var dst = new float[src.Length];
        for (var y = 0; y < kh; y++)
        {
            for (var x = 0; x < kw; x++)
            {
                for (var c = 0; c < ci; c++)
                {
                    for (var m = 0; m < cm; m++)
                    {
                        dst[((c * cm + m) * kh + y) * kw + x] = src[((y * kw + x) * ci + c) * cm + m];
                    }
                }
            }
        }
        return TensorData.Floats([ci * cm, 1, kh, kw], dst);
    }
}
