using System.Globalization;
using BlazorMood.ModelImport.Conversion;
using Google.Protobuf;
using Onnx;

namespace BlazorMood.ModelImport.OnnxBuild;

/// <summary>
/// Accumulates ONNX nodes, initializers, inputs and outputs in the order they are added, so the same
/// conversion always yields the same bytes. Hands out unique value and node names, and shares small
/// constants (axes, shapes, clip bounds) that several nodes need.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private const int SharedConstantMaxElements = 64;

    private readonly List<NodeProto> _nodes = [];
    private readonly List<TensorProto> _initializers = [];
    private readonly List<ValueInfoProto> _inputs = [];
    private readonly List<ValueInfoProto> _outputs = [];
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sharedConstants = new(StringComparer.Ordinal);

    public IReadOnlyList<NodeProto> Nodes => _nodes;

    public IReadOnlyList<TensorProto> Initializers => _initializers;

    /// <summary>Keeps <paramref name="name"/> free so that no internal value takes it (used for graph outputs).</summary>
    public void Reserve(string name)
    {
        if (!_valueNames.Add(name))
        {
            throw new ConversionException($"The ONNX name '{name}' is used twice.");
        }
    }

    /// <summary>A value name that is not used yet: <paramref name="preferred"/> itself, or with a numeric suffix.</summary>
    public string UniqueValueName(string preferred)
    {
        if (_valueNames.Add(preferred))
        {
            return preferred;
        }
        for (var i = 1; ; i++)
        {
            var candidate = preferred + "__" + i.ToString(CultureInfo.InvariantCulture);
            if (_valueNames.Add(candidate))
            {
                return candidate;
            }
        }
    }

    private string UniqueNodeName(string preferred)
    {
        if (_nodeNames.Add(preferred))
        {
            return preferred;
        }
        for (var i = 1; ; i++)
        {
            var candidate = preferred + "__" + i.ToString(CultureInfo.InvariantCulture);
            if (_nodeNames.Add(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Adds a node. <paramref name="outputs"/> are names already obtained from <see cref="UniqueValueName"/> (or reserved).</summary>
    public NodeProto AddNode(string opType, string nodeName, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueNodeName(nodeName) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Adds a single-output node whose output is named after the node.</summary>
    public string Add(string opType, string nodeName, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        var output = UniqueValueName(nodeName);
        AddNode(opType, nodeName, inputs, [output], attributes);
        return output;
    }

    public string AddInitializer(string preferredName, TensorData data)
    {
        var name = UniqueValueName(preferredName);
        _initializers.Add(OnnxTensors.ToProto(name, data));
        return name;
    }

    /// <summary>
    /// A small constant, created once per distinct value and shared by every node that needs it,
    /// named after its content so the file reads well in a viewer.
    /// </summary>
    public string SharedConstant(TensorData data)
    {
        if (data.Count > SharedConstantMaxElements)
        {
            throw new ArgumentException("Only small constants are shared.", nameof(data));
        }
        var key = $"{data.Type.Describe()}[{string.Join(',', data.Shape)}]=" + Convert.ToHexString(OnnxTensors.ToBytes(data));
        if (_sharedConstants.TryGetValue(key, out var existing))
        {
            return existing;
        }
        var name = AddInitializer($"const/{data.Type.Describe()}/{FormatValues(data)}", data);
        _sharedConstants[key] = name;
        return name;
    }

    public string Int64s(params long[] values) => SharedConstant(TensorData.Int64s([values.Length], values));

    public string ScalarFloat(float value) => SharedConstant(TensorData.Floats([], [value]));

    public void AddInput(string name, ElementType type, IReadOnlyList<int>? shape, string? batchDimParam) =>
        _inputs.Add(ValueInfo(name, type, shape, batchDimParam));

    public void AddOutput(string name, ElementType type, IReadOnlyList<int>? shape, string? batchDimParam) =>
        _outputs.Add(ValueInfo(name, type, shape, batchDimParam));

    /// <summary>Moves Transposes above constant-operand elementwise ops; see <see cref="TransposeHoisting"/>.</summary>
    public void HoistTransposes() =>
        TransposeHoisting.Apply(_nodes, _initializers, _outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal), UniqueValueName);

    public GraphProto Build(string graphName, string docString)
    {
        var graph = new GraphProto { Name = graphName, DocString = docString };
        graph.Input.AddRange(_inputs);
        graph.Output.AddRange(_outputs);
        graph.Initializer.AddRange(_initializers);
        graph.Node.AddRange(_nodes);
        return graph;
    }

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A graph input/output: unknown dimensions become the symbolic batch dimension (first axis) or stay unnamed.</summary>
    private static ValueInfoProto ValueInfo(string name, ElementType type, IReadOnlyList<int>? shape, string? batchDimParam)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (shape is not null)
        {
            var s = new TensorShapeProto();
            for (var i = 0; i < shape.Count; i++)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (shape[i] >= 0)
                {
                    dim.DimValue = shape[i];
                }
                else if (i == 0 && batchDimParam is not null)
                {
                    dim.DimParam = batchDimParam;
                }
                s.Dim.Add(dim);
            }
            tensorType.Shape = s;
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    private static string FormatValues(TensorData data)
    {
        var parts = data.Values switch
        {
            float[] f => f.Select(v => v.ToString("R", CultureInfo.InvariantCulture)),
            int[] i => i.Select(v => v.ToString(CultureInfo.InvariantCulture)),
            long[] l => l.Select(v => v == long.MaxValue ? "max" : v == long.MinValue ? "min" : v.ToString(CultureInfo.InvariantCulture)),
            bool[] b => b.Select(v => v ? "1" : "0"),
            _ => [],
        };
        var text = string.Join('_', parts);
        return data.Rank == 0 ? text : $"[{text}]";
    }
}
