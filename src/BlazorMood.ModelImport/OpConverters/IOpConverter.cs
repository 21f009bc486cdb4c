using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>
/// Converts TF nodes of some ops into ONNX opset-13 nodes. Converters keep TF's tensor semantics (NHWC images,
/// TF's dtypes) at every TF tensor boundary, record each output with <see cref="ConversionContext.SetOutput(TfjsNode, string, TensorInfo)"/>,
/// and infer its static shape where they can.
/// </summary>
public interface IOpConverter
{
    IReadOnlyList<string> Ops { get; }

    void Convert(TfjsNode node, ConversionContext ctx);
}
