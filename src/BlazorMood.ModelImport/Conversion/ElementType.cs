namespace BlazorMood.ModelImport.Conversion;

/// <summary>Element types the converter handles. The numeric values are ONNX's <c>TensorProto.DataType</c> codes.</summary>
#pragma warning disable CA1720 // The members are named after the tensor element types they stand for, as in ONNX.
public enum ElementType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Float16 = 10,
}
#pragma warning restore CA1720

/// <summary>Maps the type names TensorFlow and TF.js use onto <see cref="ElementType"/>.</summary>
public static class ElementTypes
{
    /// <summary>A TensorFlow <c>DataType</c> enum name as it appears in graph attributes, e.g. <c>DT_FLOAT</c>.</summary>
    public static ElementType FromTensorFlow(string name) => name switch
    {
        "DT_FLOAT" => ElementType.Float,
        "DT_INT32" => ElementType.Int32,
        "DT_INT64" => ElementType.Int64,
        "DT_BOOL" => ElementType.Bool,
        "DT_UINT8" => ElementType.UInt8,
        "DT_INT8" => ElementType.Int8,
        "DT_HALF" => ElementType.Float16,
        _ => throw new NotSupportedException($"TensorFlow data type '{name}' is not supported."),
    };

    /// <summary>A dtype name from a TF.js weights manifest, e.g. <c>float32</c>.</summary>
    public static ElementType FromManifest(string name) => name switch
    {
        "float32" => ElementType.Float,
        "int32" => ElementType.Int32,
        "bool" => ElementType.Bool,
        _ => throw new NotSupportedException($"TF.js weight dtype '{name}' is not supported."),
    };

    public static string Describe(this ElementType type) => type switch
    {
        ElementType.Float => "float32",
        ElementType.Int32 => "int32",
        ElementType.Int64 => "int64",
        ElementType.Bool => "bool",
        ElementType.UInt8 => "uint8",
        ElementType.Int8 => "int8",
        ElementType.Float16 => "float16",
        _ => type.ToString(),
    };
}
