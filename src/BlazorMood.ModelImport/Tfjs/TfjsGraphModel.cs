using System.Text.Json;
using BlazorMood.ModelImport.Conversion;

namespace BlazorMood.ModelImport.Tfjs;

/// <summary>
/// A parsed TF.js graph model (<c>model.json</c> with <c>format: graph-model</c>): the node list, the serving
/// signature and the weights manifest. Weight bytes are read separately by <see cref="TfjsWeightReader"/>.
/// </summary>
public sealed class TfjsGraphModel
{
    private TfjsGraphModel(
        string sourcePath,
        IReadOnlyList<TfjsNode> nodes,
        TfjsSignature signature,
        IReadOnlyList<TfjsWeightGroup> weightGroups,
        IReadOnlyDictionary<string, string> provenance)
    {
        SourcePath = sourcePath;
        Nodes = nodes;
        Signature = signature;
        WeightGroups = weightGroups;
        Provenance = provenance;
        NodesByName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>Full path of the model.json this came from; weight shards are resolved next to it.</summary>
    public string SourcePath { get; }

    public IReadOnlyList<TfjsNode> Nodes { get; }

    public IReadOnlyDictionary<string, TfjsNode> NodesByName { get; }

    public TfjsSignature Signature { get; }

    public IReadOnlyList<TfjsWeightGroup> WeightGroups { get; }

    /// <summary>The top-level strings that say where the model came from: <c>format</c>, <c>generatedBy</c>, <c>convertedBy</c>.</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; }

    public static TfjsGraphModel Load(string modelJsonPath)
    {
        var full = Path.GetFullPath(modelJsonPath);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"Cannot read TF.js model '{full}': {e.Message}", e);
        }
        return Parse(bytes, full);
    }

    public static TfjsGraphModel Parse(ReadOnlySpan<byte> json, string sourcePath)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            using var doc = JsonDocument.ParseValue(ref reader);
            return FromJson(doc.RootElement, sourcePath);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{sourcePath}' is not valid JSON, so it cannot be a TF.js graph model: {e.Message}", e);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or NotSupportedException)
        {
            throw new InvalidDataException($"'{sourcePath}' is not a well-formed TF.js graph model: {e.Message}", e);
        }
    }

    private static TfjsGraphModel FromJson(JsonElement root, string sourcePath)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{sourcePath}' is not a TF.js graph model: the top level is not a JSON object.");
        }
        var provenance = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "format", "generatedBy", "convertedBy" })
        {
            if (root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String)
            {
                provenance[key] = v.GetString()!;
            }
        }
        if (provenance.TryGetValue("format", out var format) && format != "graph-model")
        {
            throw new InvalidDataException($"'{sourcePath}' has format '{format}'; only TF.js graph models can be converted.");
        }
        if (!root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodeArray)
            || nodeArray.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"'{sourcePath}' has no modelTopology.node list; it is not a TF.js graph model.");
        }
        if (!root.TryGetProperty("weightsManifest", out var manifest) || manifest.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"'{sourcePath}' has no weightsManifest.");
        }

        var nodes = nodeArray.EnumerateArray().Select(ParseNode).ToList();
        var duplicate = nodes.GroupBy(n => n.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"'{sourcePath}' defines node '{duplicate.Key}' more than once.");
        }
        var groups = manifest.EnumerateArray().Select(ParseWeightGroup).ToList();
        var signature = ParseSignature(root, nodes, sourcePath);
        return new TfjsGraphModel(sourcePath, nodes, signature, groups, provenance);
    }

    private static TfjsNode ParseNode(JsonElement e)
    {
        var name = e.GetProperty("name").GetString() ?? throw new InvalidDataException("A node has no name.");
        var op = e.GetProperty("op").GetString() ?? throw new InvalidDataException($"Node '{name}' has no op.");
        var inputs = new List<TensorRef>();
        if (e.TryGetProperty("input", out var input))
        {
            foreach (var i in input.EnumerateArray())
            {
                var text = i.GetString() ?? "";
                if (!text.StartsWith('^'))
                {
                    inputs.Add(TensorRef.Parse(text));
                }
            }
        }
        var attrs = new Dictionary<string, TfjsAttribute>(StringComparer.Ordinal);
        if (e.TryGetProperty("attr", out var attrObj))
        {
            foreach (var p in attrObj.EnumerateObject())
            {
                attrs[p.Name] = new TfjsAttribute(p.Name, p.Value);
            }
        }
        return new TfjsNode(name, op, inputs, attrs);
    }

    private static TfjsWeightGroup ParseWeightGroup(JsonElement g)
    {
        var paths = g.GetProperty("paths").EnumerateArray().Select(p => p.GetString()!).ToList();
        var weights = g.GetProperty("weights").EnumerateArray().Select(w =>
        {
            TfjsQuantization? q = null;
            if (w.TryGetProperty("quantization", out var qe))
            {
                q = new TfjsQuantization(
                    qe.GetProperty("dtype").GetString()!,
                    qe.TryGetProperty("scale", out var s) ? s.GetSingle() : null,
                    qe.TryGetProperty("min", out var m) ? m.GetSingle() : null);
            }
            var shape = w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            return new TfjsWeightSpec(w.GetProperty("name").GetString()!, ElementTypes.FromManifest(w.GetProperty("dtype").GetString()!), shape, q);
        }).ToList();
        return new TfjsWeightGroup(paths, weights);
    }

    /// <summary>
    /// The signature lives at the top level in newer converters and under <c>userDefinedMetadata</c> in older ones.
    /// Without one, inputs are the Placeholders and the outputs are nodes nothing else consumes.
    /// </summary>
    private static TfjsSignature ParseSignature(JsonElement root, IReadOnlyList<TfjsNode> nodes, string sourcePath)
    {
        JsonElement sig = default;
        var found = root.TryGetProperty("signature", out sig)
            || (root.TryGetProperty("userDefinedMetadata", out var udm) && udm.TryGetProperty("signature", out sig));
        if (found && sig.TryGetProperty("inputs", out var ins) && sig.TryGetProperty("outputs", out var outs))
        {
            return new TfjsSignature(ParseTensors(ins), ParseTensors(outs));
        }

        var placeholders = nodes.Where(n => n.Op == "Placeholder")
            .Select(n => new TfjsSignatureTensor(n.Name, n.RequireAttribute("dtype").AsType(), n.Attribute("shape")?.AsShape()))
            .ToList();
        var consumed = nodes.SelectMany(n => n.Inputs).Select(r => r.Node).ToHashSet(StringComparer.Ordinal);
        var sinks = nodes.Where(n => n.Op != "Const" && n.Op != "Placeholder" && !consumed.Contains(n.Name))
            .Select(n => new TfjsSignatureTensor(n.Name, n.Attribute("T")?.AsType() ?? ElementType.Float, null))
            .ToList();
        if (placeholders.Count == 0 || sinks.Count == 0)
        {
            throw new InvalidDataException($"'{sourcePath}' has no signature and its inputs/outputs cannot be inferred.");
        }
        return new TfjsSignature(placeholders, sinks);
    }

    private static List<TfjsSignatureTensor> ParseTensors(JsonElement map) => map.EnumerateObject().Select(p =>
    {
        var v = p.Value;
        var name = v.TryGetProperty("name", out var n) ? n.GetString()! : p.Name;
        var type = ElementTypes.FromTensorFlow(v.GetProperty("dtype").GetString()!);
        var shape = v.TryGetProperty("tensorShape", out var ts) ? TfjsAttribute.ParseShape(ts) : null;
        return new TfjsSignatureTensor(name, type, shape);
    }).ToList();
}
