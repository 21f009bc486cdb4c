using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OpConverters;

/// <summary>Finds the converter for a TF op; an op nobody handles fails with a message naming the op and the node.</summary>
public sealed class OpConverterRegistry
{
    private readonly Dictionary<string, IOpConverter> _byOp = new(StringComparer.Ordinal);

    public OpConverterRegistry(IEnumerable<IOpConverter> converters)
    {
        foreach (var c in converters)
        {
            foreach (var op in c.Ops)
            {
                if (!_byOp.TryAdd(op, c))
                {
                    throw new InvalidOperationException($"Two converters claim op '{op}'.");
                }
            }
        }
    }

    public static OpConverterRegistry Default { get; } = new(
    [
        new ConvolutionConverter(),
        new PoolingConverter(),
        new ElementwiseConverter(),
        new UnaryConverter(),
        new ReductionConverter(),
        new ShapeConverter(),
        new PackingConverter(),
        new StridedSliceConverter(),
        new GatherConverter(),
        new ResizeConverter(),
        new MatMulConverter(),
    ]);

    public IEnumerable<string> SupportedOps => _byOp.Keys.Order(StringComparer.Ordinal);

    public IOpConverter Get(TfjsNode node) => _byOp.TryGetValue(node.Op, out var c)
        ? c
        : throw new ConversionException(
            $"Unsupported TF op '{node.Op}' at node '{node.Name}'. Supported ops: {string.Join(", ", SupportedOps)}.");
}
