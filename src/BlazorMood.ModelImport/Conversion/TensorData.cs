namespace BlazorMood.ModelImport.Conversion;

/// <summary>
/// A constant tensor held in memory: an element type, a shape and a flat row-major array
/// (<c>float[]</c>, <c>int[]</c>, <c>long[]</c> or <c>bool[]</c>).
/// </summary>
public sealed class TensorData
{
    public TensorData(ElementType type, int[] shape, Array values)
    {
        var expected = ElementCount(shape);
        if (values.Length != expected)
        {
            throw new ArgumentException($"A tensor of shape [{string.Join(',', shape)}] needs {expected} values, got {values.Length}.", nameof(values));
        }
        var ok = type switch
        {
            ElementType.Float => values is float[],
            ElementType.Int32 => values is int[],
            ElementType.Int64 => values is long[],
            ElementType.Bool => values is bool[],
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentException($"{values.GetType().Name} cannot hold {type.Describe()} values.", nameof(values));
        }
        Type = type;
        Shape = shape;
        Values = values;
    }

    public ElementType Type { get; }

    public int[] Shape { get; }

    public Array Values { get; }

    public int Rank => Shape.Length;

    public int Count => Values.Length;

    public static TensorData Floats(int[] shape, float[] values) => new(ElementType.Float, shape, values);

    public static TensorData Int64s(int[] shape, long[] values) => new(ElementType.Int64, shape, values);

    public static TensorData Int32s(int[] shape, int[] values) => new(ElementType.Int32, shape, values);

    public static int ElementCount(IReadOnlyList<int> shape)
    {
        var n = 1;
        foreach (var d in shape)
        {
            n = checked(n * d);
        }
        return n;
    }

    public float[] AsFloats() => Values as float[] ?? throw new InvalidOperationException($"Expected a float32 tensor, got {Type.Describe()}.");

    /// <summary>Integer values widened to 64 bits; integer constants in TF graphs are mostly int32, ONNX wants int64 for shapes and axes.</summary>
    public long[] AsInt64s() => Values switch
    {
        long[] l => l,
        int[] i => Array.ConvertAll(i, v => (long)v),
        _ => throw new InvalidOperationException($"Expected an integer tensor, got {Type.Describe()}."),
    };

    public int[] AsInt32s() => Values switch
    {
        int[] i => i,
        long[] l => Array.ConvertAll(l, v => checked((int)v)),
        _ => throw new InvalidOperationException($"Expected an integer tensor, got {Type.Describe()}."),
    };
}
