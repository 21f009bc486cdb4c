using System.Buffers.Binary;
using BlazorMood.ModelImport.Conversion;
using Google.Protobuf;
using Onnx;

namespace BlazorMood.ModelImport.OnnxBuild;

/// <summary>Turns in-memory constants into ONNX <see cref="TensorProto"/>s (little-endian raw_data, as the spec requires).</summary>
public static class OnnxTensors
{
    public static TensorProto ToProto(string name, TensorData data)
    {
        var proto = new TensorProto { Name = name, DataType = (int)data.Type };
        proto.Dims.AddRange(data.Shape.Select(d => (long)d));
        proto.RawData = ByteString.CopyFrom(ToBytes(data));
        return proto;
    }

    public static byte[] ToBytes(TensorData data)
    {
        switch (data.Values)
        {
            case float[] f:
            {
                var bytes = new byte[f.Length * 4];
                for (var i = 0; i < f.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), f[i]);
                }
                return bytes;
            }
            case int[] v:
            {
                var bytes = new byte[v.Length * 4];
                for (var i = 0; i < v.Length; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), v[i]);
                }
                return bytes;
            }
            case long[] l:
            {
                var bytes = new byte[l.Length * 8];
                for (var i = 0; i < l.Length; i++)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), l[i]);
                }
                return bytes;
            }
            case bool[] b:
                return b.Select(x => x ? (byte)1 : (byte)0).ToArray();
            default:
                throw new NotSupportedException($"Cannot serialise {data.Type.Describe()} tensors.");
        }
    }
}
