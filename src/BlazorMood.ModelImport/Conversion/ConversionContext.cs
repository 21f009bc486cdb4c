using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.Conversion;

/// <summary>
/// State shared by the op converters while one graph is converted: which ONNX value (and what shape and type)
/// stands for each TF tensor, the model's constants, and the graph being built.
/// </summary>
public sealed class ConversionContext
{
    private readonly Dictionary<TensorRef, (string Name, TensorInfo Info)> _values = [];
    private readonly Dictionary<string, string> _constantInitializers = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, TensorData> _weights;

    public ConversionContext(TfjsGraphModel model, IReadOnlyDictionary<string, TensorData> weights, OnnxGraphBuilder graph)
    {
        Model = model;
        _weights = weights;
        Graph = graph;
    }

    public TfjsGraphModel Model { get; }

    public OnnxGraphBuilder Graph { get; }

    /// <summary>The ONNX value for input <paramref name="index"/> of <paramref name="node"/>; a Const input becomes an initializer on first use.</summary>
    public string Input(TfjsNode node, int index) => Value(InputRef(node, index), node);

    public TensorInfo InputInfo(TfjsNode node, int index) => Info(InputRef(node, index), node);

    public int InputCount(TfjsNode node) => node.Inputs.Count;

    /// <summary>The value of a constant input, or null when the input is computed at run time.</summary>
    public TensorData? Constant(TfjsNode node, int index)
    {
        var r = InputRef(node, index);
        return ConstantOf(r);
    }

    /// <summary>The value of an input that must be constant for the conversion (axes, shapes, paddings...).</summary>
    public TensorData RequireConstant(TfjsNode node, int index, string purpose) => Constant(node, index)
        ?? throw new ConversionException($"Node {node}: input {index} ({purpose}) must be a constant, but it is computed at run time ('{InputRef(node, index)}').");

    /// <summary>Records that TF output <paramref name="index"/> of <paramref name="node"/> is the ONNX value <paramref name="name"/>.</summary>
    public void SetOutput(TfjsNode node, int index, string name, TensorInfo info) => _values[new TensorRef(node.Name, index)] = (name, info);

    public void SetOutput(TfjsNode node, string name, TensorInfo info) => SetOutput(node, 0, name, info);

    public bool HasValue(TensorRef r) => _values.ContainsKey(r) || ConstantOf(r) is not null;

    public string Value(TensorRef r, TfjsNode? consumer = null)
    {
        if (_values.TryGetValue(r, out var v))
        {
            return v.Name;
        }
        if (ConstantOf(r) is { } data)
        {
            if (!_constantInitializers.TryGetValue(r.Node, out var name))
            {
                name = Graph.AddInitializer(r.Node, data);
                _constantInitializers[r.Node] = name;
            }
            return name;
        }
        throw new ConversionException($"Tensor '{r}'{(consumer is null ? "" : $", input of {consumer},")} has not been produced by any converted node.");
    }

    public TensorInfo Info(TensorRef r, TfjsNode? consumer = null)
    {
        if (_values.TryGetValue(r, out var v))
        {
            return v.Info;
        }
        if (ConstantOf(r) is { } data)
        {
            return new TensorInfo(data.Type, data.Shape);
        }
        throw new ConversionException($"Tensor '{r}'{(consumer is null ? "" : $", input of {consumer},")} has not been produced by any converted node.");
    }

    /// <summary>A constant transformed for ONNX (e.g. a filter re-laid out), created once per source constant and purpose.</summary>
    public string DerivedInitializer(TfjsNode node, int index, string purpose, Func<TensorData, TensorData> transform)
    {
        var r = InputRef(node, index);
        var key = r.Node + "\u0000" + purpose;
        if (!_constantInitializers.TryGetValue(key, out var name))
        {
            var source = RequireConstant(node, index, purpose);
            name = Graph.AddInitializer(r.Node, transform(source));
            _constantInitializers[key] = name;
        }
        return name;
    }

    private TensorData? ConstantOf(TensorRef r)
    {
        if (r.Index != 0 || !Model.NodesByName.TryGetValue(r.Node, out var producer) || producer.Op != "Const")
        {
            return null;
        }
        return _weights.TryGetValue(r.Node, out var data)
            ? data
            : throw new ConversionException($"Const node '{r.Node}' has no entry in the weights manifest.");
    }

    private static TensorRef InputRef(TfjsNode node, int index) => index < node.Inputs.Count
        ? node.Inputs[index]
        : throw new ConversionException($"Node {node} has {node.Inputs.Count} inputs; input {index} was expected.");
}
