using System.Globalization;
using System.Text;
using System.Text.Json;
using BlazorMood.ModelImport.Conversion;

namespace BlazorMood.ModelImport.Tfjs;

/// <summary>
/// One attribute of a node in a TF.js graph model: the JSON form of TensorFlow's <c>AttrValue</c>.
/// Strings are base64, 64-bit integers are JSON strings, and lists sit under <c>list</c>.
/// </summary>
public sealed class TfjsAttribute
{
    private readonly JsonElement _value;

    public TfjsAttribute(string name, JsonElement value)
    {
        Name = name;
        _value = value.Clone();
    }

    public string Name { get; }

    public string AsString() => Encoding.UTF8.GetString(Convert.FromBase64String(Field("s").GetString() ?? ""));

    public long AsInt() => ParseInt(Field("i"));

    public float AsFloat() => ParseFloat(Field("f"));

    public bool AsBool() => Field("b").GetBoolean();

    public ElementType AsType() => ElementTypes.FromTensorFlow(Field("type").GetString() ?? "");

    /// <summary>A <c>shape</c> attribute; -1 for unknown dimensions, null for unknown rank.</summary>
    public int[]? AsShape() => ParseShape(Field("shape"));

    public IReadOnlyList<long> AsIntList() => ListItems("i").Select(ParseInt).ToArray();

    public IReadOnlyList<string> AsStringList() =>
        ListItems("s").Select(e => Encoding.UTF8.GetString(Convert.FromBase64String(e.GetString() ?? ""))).ToArray();

    internal static int[]? ParseShape(JsonElement shape)
    {
        if (shape.TryGetProperty("unknownRank", out var unknown) && unknown.ValueKind == JsonValueKind.True)
        {
            return null;
        }
        if (!shape.TryGetProperty("dim", out var dims))
        {
            return [];
        }
        return dims.EnumerateArray()
            .Select(d => d.TryGetProperty("size", out var size) ? checked((int)ParseInt(size)) : -1)
            .ToArray();
    }

    internal static long ParseInt(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? long.Parse(e.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
        : e.GetInt64();

    private static float ParseFloat(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? float.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : e.GetSingle();

    private JsonElement Field(string kind) => _value.TryGetProperty(kind, out var v)
        ? v
        : throw new InvalidDataException($"Attribute '{Name}' holds no '{kind}' value: {_value.GetRawText()}");

    private IEnumerable<JsonElement> ListItems(string kind)
    {
        var list = Field("list");
        // An empty list is serialised as {} with no typed member at all.
        return list.TryGetProperty(kind, out var items) ? items.EnumerateArray() : [];
    }
}
