using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.ModelImport.OpConverters;
using BlazorMood.ModelImport.Tfjs;
using Onnx;

namespace BlazorMood.ModelImport.Conversion;

/// <summary>Key/value provenance written into the ONNX model's metadata_props, in the given order.</summary>
public sealed record ModelProvenance(string GraphName, IReadOnlyList<KeyValuePair<string, string>> Properties, string DocString);

/// <summary>
/// Converts a TF.js graph model into an ONNX opset-13 model. Only nodes the signature outputs depend on are
/// converted, in a dependency order that is stable for a given model.json, so repeated runs give identical bytes.
/// Inputs and outputs keep the signature's names (see <see cref="OnnxNames"/>), shapes and dtypes.
/// </summary>
public sealed class TfjsToOnnxConverter
{
    public const string ProducerName = "BlazorMood.ModelImport";

    /// <summary>Bumped when the converter's output changes; a constant (not the assembly version) keeps files reproducible.</summary>
    public const string ProducerVersion = "1.0";

    public const int OpsetVersion = 13;

    /// <summary>IR version 7 is the one ONNX 1.8 introduced together with opset 13.</summary>
    public const long IrVersion = 7;

    /// <summary>Name of the symbolic batch dimension of inputs/outputs whose first dimension is dynamic.</summary>
    public const string BatchDimension = "N";

    private readonly OpConverterRegistry _registry;

    public TfjsToOnnxConverter(OpConverterRegistry? registry = null) => _registry = registry ?? OpConverterRegistry.Default;

    public ModelProto Convert(TfjsGraphModel model, IReadOnlyDictionary<string, TensorData> weights, ModelProvenance provenance)
    {
        var graph = new OnnxGraphBuilder();
        var ctx = new ConversionContext(model, weights, graph);

        var outputNames = model.Signature.Outputs.Select(o => OnnxNames.ForSignature(o.Name)).ToList();
        foreach (var name in outputNames)
        {
            graph.Reserve(name);
        }

        DeclareInputs(model, ctx);
        foreach (var node in DependencyOrder(model))
        {
            if (node.Op is "Const" or "Placeholder")
            {
                continue;
            }
            try
            {
                _registry.Get(node).Convert(node, ctx);
            }
            catch (ConversionException)
            {
                throw;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or InvalidDataException or OverflowException)
            {
                throw new ConversionException($"Converting node '{node.Name}' ({node.Op}) failed: {e.Message}", e);
            }
        }
        DeclareOutputs(model, ctx, outputNames);
        graph.HoistTransposes();

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion,
            ModelVersion = 1,
            DocString = provenance.DocString,
            Graph = graph.Build(provenance.GraphName, provenance.DocString),
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach (var (key, value) in provenance.Properties)
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return proto;
    }

    private static void DeclareInputs(TfjsGraphModel model, ConversionContext ctx)
    {
        foreach (var input in model.Signature.Inputs)
        {
            var r = input.Ref;
            if (!model.NodesByName.TryGetValue(r.Node, out var node) || node.Op != "Placeholder")
            {
                throw new ConversionException($"Signature input '{input.Name}' is not a Placeholder node of the graph.");
            }
            var shape = input.Shape ?? node.Attribute("shape")?.AsShape();
            var name = OnnxNames.ForSignature(input.Name);
            ctx.Graph.Reserve(name);
            ctx.Graph.AddInput(name, input.Type, shape, BatchDimension);
            ctx.SetOutput(node, name, new TensorInfo(input.Type, shape));
        }
    }

    private static void DeclareOutputs(TfjsGraphModel model, ConversionContext ctx, IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            var output = model.Signature.Outputs[i];
            var info = ctx.Info(output.Ref);
            if (info.Type != output.Type)
            {
                throw new ConversionException($"Output '{output.Name}' is {info.Type.Describe()} after conversion but {output.Type.Describe()} in the signature.");
            }
            if (output.Shape is { } declared && info.Shape is { } inferred && !Compatible(declared, inferred))
            {
                throw new ConversionException(
                    $"Output '{output.Name}' has shape [{string.Join(',', inferred)}] after conversion but [{string.Join(',', declared)}] in the signature.");
            }
            // The graph output is its own value, so that an output that also feeds other nodes keeps one clear name.
            ctx.Graph.AddNode("Identity", names[i], [ctx.Value(output.Ref)], [names[i]]);
            ctx.Graph.AddOutput(names[i], info.Type, output.Shape ?? info.Shape, BatchDimension);
        }
    }

    private static bool Compatible(int[] a, int[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => p.First < 0 || p.Second < 0 || p.First == p.Second);

    /// <summary>
    /// Post-order depth-first walk from the signature outputs (in signature order), visiting inputs in order.
    /// Nodes nothing depends on are dropped; the order depends only on the graph, never on hashing.
    /// </summary>
    internal static IReadOnlyList<TfjsNode> DependencyOrder(TfjsGraphModel model)
    {
        var order = new List<TfjsNode>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the stack, true: done
        var stack = new Stack<(TfjsNode Node, int NextInput)>();
        foreach (var output in model.Signature.Outputs)
        {
            var root = Lookup(model, output.Ref.Node, "signature output " + output.Name);
            if (state.ContainsKey(root.Name))
            {
                continue;
            }
            state[root.Name] = false;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Inputs.Count)
                {
                    stack.Push((node, next + 1));
                    var dep = Lookup(model, node.Inputs[next].Node, $"input of node '{node.Name}'");
                    if (state.TryGetValue(dep.Name, out var done))
                    {
                        if (!done)
                        {
                            throw new ConversionException($"The graph has a cycle through node '{dep.Name}'.");
                        }
                        continue;
                    }
                    state[dep.Name] = false;
                    stack.Push((dep, 0));
                    continue;
                }
                state[node.Name] = true;
                order.Add(node);
            }
        }
        return order;
    }

    private static TfjsNode Lookup(TfjsGraphModel model, string name, string role) =>
        model.NodesByName.TryGetValue(name, out var node)
            ? node
            : throw new ConversionException($"Node '{name}' ({role}) does not exist in the graph.");
}
