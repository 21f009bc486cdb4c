using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// MaxPool and AvgPool on NHWC tensors. Padded positions never win a max in either framework, and TF's SAME
/// average excludes them, hence <c>count_include_pad=0</c>.
/// </summary>
internal sealed class PoolingConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["MaxPool", "AvgPool"];

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        Layout.RequireNhwc(node);
        var x = ctx.InputInfo(node, 0);
        var shape = Layout.Rank4(node, x);
        var kernel = Layout.Spatial(node, "ksize", 1);
        var stride = Layout.Spatial(node, "strides", 1);
        var (padH, padW) = Layout.Pads(node, shape, kernel, stride, (1, 1));

        var attrs = new List<global::Onnx.AttributeProto>
        {
            OnnxGraphBuilder.Attr("kernel_shape", [kernel.H, kernel.W]),
            OnnxGraphBuilder.Attr("pads", [padH.Before, padW.Before, padH.After, padW.After]),
            OnnxGraphBuilder.Attr("strides", [stride.H, stride.W]),
        };
        if (node.Op == "AvgPool")
        {
            attrs.Add(OnnxGraphBuilder.Attr("count_include_pad", 0L));
        }
        var nchw = Layout.Transpose(ctx, ctx.Input(node, 0), Layout.NhwcToNchw, node.Name + "/to_nchw");
        var pooled = ctx.Graph.Add(node.Op == "MaxPool" ? "MaxPool" : "AveragePool", node.Name + "/pool", [nchw], [.. attrs]);
        var output = Layout.Transpose(ctx, pooled, Layout.NchwToNhwc, node.Name);
        ctx.SetOutput(node, output, new TensorInfo(x.Type,
        [
            shape[0],
            Padding.OutputSize(shape[1], kernel.H, stride.H, 1, padH),
            Padding.OutputSize(shape[2], kernel.W, stride.W, 1, padW),
            shape[3],
        ]));
    }
}
