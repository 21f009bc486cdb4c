using BlazorMood.ModelImport.Conversion;

namespace BlazorMood.ModelImport.Tfjs;

/// <summary>How a weight is quantised in the .bin file (TF.js <c>quantization</c>): float16, or affine uint8/uint16.</summary>
public sealed record TfjsQuantization(string Dtype, float? Scale, float? Min);

/// <summary>One entry of a weights manifest: a constant's name, dtype, shape and optional quantisation.</summary>
public sealed record TfjsWeightSpec(string Name, ElementType Type, int[] Shape, TfjsQuantization? Quantization)
{
    public int ElementCount => TensorData.ElementCount(Shape);

    /// <summary>Bytes the weight occupies in the concatenated weight files.</summary>
    public int ByteLength => checked(ElementCount * BytesPerElement);

    private int BytesPerElement => Quantization?.Dtype switch
    {
        // TF.js writes bool as one byte per element, float32 and int32 as four.
        null => Type == ElementType.Bool ? 1 : 4,
        "float16" or "uint16" => 2,
        "uint8" => 1,
        var other => throw new NotSupportedException($"Weight '{Name}' uses quantisation dtype '{other}', which is not supported."),
    };
}

/// <summary>A group of weights stored in one or more shard files, read back to back.</summary>
public sealed record TfjsWeightGroup(IReadOnlyList<string> Paths, IReadOnlyList<TfjsWeightSpec> Weights);
