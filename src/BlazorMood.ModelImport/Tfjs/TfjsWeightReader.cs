using System.Buffers.Binary;
using BlazorMood.ModelImport.Conversion;

namespace BlazorMood.ModelImport.Tfjs;

/// <summary>
/// Reads the weights of a TF.js graph model from its .bin shards. Within a group the shards are one byte stream
/// holding the weights back to back in manifest order. Quantised weights are dequantised to float32 here, the way
/// TF.js does when it loads them, so the converted model computes with exactly the values TF.js uses.
/// </summary>
public static class TfjsWeightReader
{
    public static IReadOnlyDictionary<string, TensorData> ReadAll(TfjsGraphModel model)
    {
        var dir = Path.GetDirectoryName(model.SourcePath) ?? ".";
        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var group in model.WeightGroups)
        {
            var bytes = ReadShards(dir, group.Paths);
            var expected = group.Weights.Sum(w => (long)w.ByteLength);
            if (bytes.Length != expected)
            {
                throw new InvalidDataException(
                    $"The weight files [{string.Join(", ", group.Paths)}] of '{model.SourcePath}' hold {bytes.Length} bytes, but the manifest describes {expected}.");
            }
            var offset = 0;
            foreach (var spec in group.Weights)
            {
                result[spec.Name] = Decode(spec, bytes.AsSpan(offset, spec.ByteLength));
                offset += spec.ByteLength;
            }
        }
        return result;
    }

    /// <summary>Decodes one weight from its bytes (little-endian, as TF.js writes them).</summary>
    public static TensorData Decode(TfjsWeightSpec spec, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != spec.ByteLength)
        {
            throw new InvalidDataException($"Weight '{spec.Name}' needs {spec.ByteLength} bytes, got {bytes.Length}.");
        }
        var q = spec.Quantization;
        if (q is not null)
        {
            if (spec.Type != ElementType.Float)
            {
                throw new NotSupportedException($"Weight '{spec.Name}': quantised {spec.Type.Describe()} weights are not supported.");
            }
            var values = q.Dtype switch
            {
                "float16" => DequantizeFloat16(bytes),
                "uint8" => DequantizeAffine(bytes, 1, q, spec.Name),
                "uint16" => DequantizeAffine(bytes, 2, q, spec.Name),
                _ => throw new NotSupportedException($"Weight '{spec.Name}' uses quantisation dtype '{q.Dtype}', which is not supported."),
            };
            return TensorData.Floats(spec.Shape, values);
        }
        return spec.Type switch
        {
            ElementType.Float => TensorData.Floats(spec.Shape, ReadFloat32(bytes)),
            ElementType.Int32 => TensorData.Int32s(spec.Shape, ReadInt32(bytes)),
            ElementType.Bool => new TensorData(ElementType.Bool, spec.Shape, bytes.ToArray().Select(b => b != 0).ToArray()),
            _ => throw new NotSupportedException($"Weight '{spec.Name}' has unsupported dtype {spec.Type.Describe()}."),
        };
    }

    /// <summary>IEEE 754 half precision to single precision. Every half value is exactly representable as a float.</summary>
    public static float[] DequantizeFloat16(ReadOnlySpan<byte> bytes)
    {
        var result = new float[bytes.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            var bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * i, 2));
            result[i] = (float)BitConverter.UInt16BitsToHalf(bits);
        }
        return result;
    }

    /// <summary>TF.js affine quantisation: <c>value = q * scale + min</c>.</summary>
    private static float[] DequantizeAffine(ReadOnlySpan<byte> bytes, int width, TfjsQuantization q, string name)
    {
        if (q.Scale is not { } scale || q.Min is not { } min)
        {
            throw new InvalidDataException($"Weight '{name}' is {q.Dtype}-quantised but has no scale/min.");
        }
        var result = new float[bytes.Length / width];
        for (var i = 0; i < result.Length; i++)
        {
            int raw = width == 1 ? bytes[i] : BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * i, 2));
            result[i] = raw * scale + min;
        }
        return result;
    }

    private static float[] ReadFloat32(ReadOnlySpan<byte> bytes)
    {
        var result = new float[bytes.Length / 4];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i, 4));
        }
        return result;
    }

    private static int[] ReadInt32(ReadOnlySpan<byte> bytes)
    {
        var result = new int[bytes.Length / 4];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(4 * i, 4));
        }
        return result;
    }

    private static byte[] ReadShards(string dir, IReadOnlyList<string> paths)
    {
        using var all = new MemoryStream();
        foreach (var p in paths)
        {
            var full = Path.GetFullPath(Path.Combine(dir, p));
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"Weight shard '{p}' is missing next to the model.", full);
            }
            using var f = File.OpenRead(full);
            f.CopyTo(all);
        }
        return all.ToArray();
    }
}
