using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BlazorMood.ModelImport.Tests;

/// <summary>
/// Writes small hand-made TF.js graph models (model.json + weights.bin) into a temp folder, for testing converter
/// pieces in isolation. Attribute values use the same JSON encoding the TF.js converter emits.
/// </summary>
internal sealed class TinyTfjsModel : IDisposable
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _weights = [];
    private readonly MemoryStream _bin = new();
    private readonly JsonObject _inputs = [];
    private readonly JsonObject _outputs = [];

    public TinyTfjsModel()
    {
        Directory = Path.Combine(Path.GetTempPath(), "blazormood-tiny-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string JsonPath => Path.Combine(Directory, "model.json");

    public TinyTfjsModel Placeholder(string name, string dtype, params int[] shape)
    {
        _nodes.Add(new JsonObject
        {
            ["name"] = name,
            ["op"] = "Placeholder",
            ["attr"] = new JsonObject { ["dtype"] = Type(dtype), ["shape"] = Shape(shape) },
        });
        _inputs[name + ":0"] = Signature(name + ":0", dtype, shape);
        return this;
    }

    public TinyTfjsModel ConstFloat(string name, int[] shape, params float[] values)
    {
        var b = new byte[4];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            _bin.Write(b);
        }
        return Const(name, "float32", shape);
    }

    public TinyTfjsModel ConstInt(string name, int[] shape, params int[] values)
    {
        var b = new byte[4];
        foreach (var v in values)
        {
            BinaryPrimitives.WriteInt32LittleEndian(b, v);
            _bin.Write(b);
        }
        return Const(name, "int32", shape);
    }

    public TinyTfjsModel Node(string name, string op, string[] inputs, JsonObject? attr = null)
    {
        _nodes.Add(new JsonObject
        {
            ["name"] = name,
            ["op"] = op,
            ["input"] = new JsonArray(inputs.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
            ["attr"] = attr ?? [],
        });
        return this;
    }

    public TinyTfjsModel Output(string name, string dtype, params int[] shape)
    {
        _outputs[name + ":0"] = Signature(name + ":0", dtype, shape);
        return this;
    }

    public string Write()
    {
        var root = new JsonObject
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "tests",
            ["convertedBy"] = "tests",
            ["signature"] = new JsonObject { ["inputs"] = _inputs.DeepClone(), ["outputs"] = _outputs.DeepClone() },
            ["modelTopology"] = new JsonObject { ["node"] = _nodes.DeepClone() },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("weights.bin"), ["weights"] = _weights.DeepClone() }),
        };
        File.WriteAllText(JsonPath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllBytes(Path.Combine(Directory, "weights.bin"), _bin.ToArray());
        return JsonPath;
    }

    public static JsonObject Type(string dtype) => new() { ["type"] = dtype == "int32" ? "DT_INT32" : dtype == "bool" ? "DT_BOOL" : "DT_FLOAT" };

    public static JsonObject Int(long v) => new() { ["i"] = v.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public static JsonObject Bool(bool v) => new() { ["b"] = v };

    public static JsonObject Str(string v) => new() { ["s"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v)) };

    public static JsonObject Ints(params long[] v) =>
        new() { ["list"] = new JsonObject { ["i"] = new JsonArray(v.Select(x => (JsonNode)JsonValue.Create(x.ToString(System.Globalization.CultureInfo.InvariantCulture))!).ToArray()) } };

    public static JsonObject Strs(params string[] v) =>
        new() { ["list"] = new JsonObject { ["s"] = new JsonArray(v.Select(x => (JsonNode)JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(x)))!).ToArray()) } };

    public void Dispose()
    {
        _bin.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private TinyTfjsModel Const(string name, string dtype, int[] shape)
    {
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject { ["dtype"] = Type(dtype) } });
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()), ["dtype"] = dtype });
        return this;
    }

    private static JsonObject Shape(int[] shape) =>
        new() { ["shape"] = new JsonObject { ["dim"] = new JsonArray(shape.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray()) } };

    private static JsonObject Signature(string name, string dtype, int[] shape) => new()
    {
        ["name"] = name,
        ["dtype"] = dtype == "int32" ? "DT_INT32" : "DT_FLOAT",
        ["tensorShape"] = new JsonObject { ["dim"] = new JsonArray(shape.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray()) },
    };
}
