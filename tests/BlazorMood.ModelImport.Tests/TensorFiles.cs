using System.Buffers.Binary;

namespace BlazorMood.ModelImport.Tests;

/// <summary>Reads the little-endian tensor files the parity script writes.</summary>
internal static class TensorFiles
{
    public static float[] ReadFloat32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        }
        return values;
    }

    public static int[] ReadInt32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new int[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        }
        return values;
    }
}
