using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// ResizeBilinear on NHWC images. TF's two flags pick the pixel-coordinate convention, which ONNX Resize names
/// directly: align_corners → <c>align_corners</c>; half_pixel_centers → <c>half_pixel</c>; neither → <c>asymmetric</c>
/// (TF's legacy mapping src = dst * in/out).
/// </summary>
internal sealed class ResizeConverter : IOpConverter
{
    public IReadOnlyList<string> Ops { get; } = ["ResizeBilinear"];

    public static string CoordinateMode(bool alignCorners, bool halfPixelCenters) => (alignCorners, halfPixelCenters) switch
    {
        (true, true) => throw new ConversionException("align_corners and half_pixel_centers cannot both be set."),
        (true, false) => "align_corners",
        (false, true) => "half_pixel",
        _ => "asymmetric",
    };

    public void Convert(TfjsNode node, ConversionContext ctx)
    {
        var info = ctx.InputInfo(node, 0);
        var shape = Layout.Rank4(node, info);
        var size = ctx.RequireConstant(node, 1, "size").AsInt64s();
        if (size.Length != 2)
        {
            throw new ConversionException($"Node {node}: size must hold [height, width].");
        }
        var mode = CoordinateMode(node.BoolAttr("align_corners", false), node.BoolAttr("half_pixel_centers", false));
        var g = ctx.Graph;
        var x = ctx.Input(node, 0);
        if (info.Type != ElementType.Float)
        {
            // TF's ResizeBilinear always yields float32.
            x = g.Add("Cast", node.Name + "/to_float", [x], OnnxGraphBuilder.Attr("to", (long)ElementType.Float));
        }
        string sizesOrScales;
        var useSizes = shape[0] >= 0 && shape[3] >= 0;
        if (useSizes)
        {
            sizesOrScales = g.Int64s(shape[0], size[0], size[1], shape[3]);
        }
        else if (shape[1] > 0 && shape[2] > 0)
        {
            sizesOrScales = g.SharedConstant(TensorData.Floats([4], [1f, (float)size[0] / shape[1], (float)size[1] / shape[2], 1f]));
        }
        else
        {
            throw new ConversionException($"Node {node}: cannot resize an input of shape {info} without a known batch/channel count or spatial size.");
        }
        // Opset 13 Resize: X, roi, scales, sizes; exactly one of scales/sizes is given, unused ones are empty names.
        var inputs = useSizes ? new[] { x, "", "", sizesOrScales } : [x, "", sizesOrScales];
        var output = g.Add("Resize", node.Name, inputs,
            OnnxGraphBuilder.Attr("coordinate_transformation_mode", mode),
            OnnxGraphBuilder.Attr("mode", "linear"));
        ctx.SetOutput(node, output, new TensorInfo(ElementType.Float, [shape[0], (int)size[0], (int)size[1], shape[3]]));
    }
}
