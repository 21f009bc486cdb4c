using System.Text;

namespace BlazorMood.Vision.Tests;

/// <summary>
/// Writes the smallest valid ONNX model (one Identity node, float [1] → float [1]) as raw protobuf, so that
/// session-factory behaviour can be tested without depending on the real models.
/// </summary>
internal static class TinyOnnx
{
    public static byte[] IdentityModel()
    {
        var dim = Field(1, Varint(1));                       // Dimension.dim_value = 1
        var shape = Bytes(2, Bytes(1, dim));                 // Tensor.shape { dim }
        var tensorType = Concat(Field(1, Varint(1)), shape); // elem_type FLOAT, shape
        var type = Bytes(1, tensorType);                     // TypeProto.tensor_type
        byte[] ValueInfo(string name) => Concat(String(1, name), Bytes(2, type));
        var node = Concat(String(1, "x"), String(2, "y"), String(4, "Identity"));
        var graph = Concat(Bytes(1, node), String(2, "g"), Bytes(11, ValueInfo("x")), Bytes(12, ValueInfo("y")));
        var opset = Field(2, Varint(13));
        return Concat(Field(1, Varint(7)), Bytes(7, graph), Bytes(8, opset));
    }

    private static byte[] Field(int number, byte[] varintPayload) => Concat(Varint((ulong)(number << 3)), varintPayload);

    private static byte[] Bytes(int number, byte[] payload) => Concat(Varint((ulong)((number << 3) | 2)), Varint((ulong)payload.Length), payload);

    private static byte[] String(int number, string value) => Bytes(number, Encoding.UTF8.GetBytes(value));

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
