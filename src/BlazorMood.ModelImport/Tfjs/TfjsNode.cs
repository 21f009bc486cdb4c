using BlazorMood.ModelImport.Conversion;

namespace BlazorMood.ModelImport.Tfjs;

/// <summary>One node of a TF.js graph model's <c>modelTopology.node</c> list.</summary>
public sealed class TfjsNode
{
    public TfjsNode(string name, string op, IReadOnlyList<TensorRef> inputs, IReadOnlyDictionary<string, TfjsAttribute> attributes)
    {
        Name = name;
        Op = op;
        Inputs = inputs;
        Attributes = attributes;
    }

    public string Name { get; }

    public string Op { get; }

    /// <summary>Data inputs in order; control dependencies are dropped.</summary>
    public IReadOnlyList<TensorRef> Inputs { get; }

    public IReadOnlyDictionary<string, TfjsAttribute> Attributes { get; }

    public TfjsAttribute? Attribute(string name) => Attributes.GetValueOrDefault(name);

    public TfjsAttribute RequireAttribute(string name) => Attributes.GetValueOrDefault(name)
        ?? throw new ConversionException($"Node '{Name}' ({Op}) has no '{name}' attribute.");

    public string StringAttr(string name, string fallback) => Attribute(name)?.AsString() ?? fallback;

    public long IntAttr(string name, long fallback) => Attribute(name)?.AsInt() ?? fallback;

    public bool BoolAttr(string name, bool fallback) => Attribute(name)?.AsBool() ?? fallback;

    public float FloatAttr(string name, float fallback) => Attribute(name)?.AsFloat() ?? fallback;

    public IReadOnlyList<long> IntListAttr(string name) => Attribute(name)?.AsIntList() ?? [];

    public IReadOnlyList<string> StringListAttr(string name) => Attribute(name)?.AsStringList() ?? [];

    public override string ToString() => $"'{Name}' ({Op})";
}
