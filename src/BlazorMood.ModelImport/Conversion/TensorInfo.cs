namespace BlazorMood.ModelImport.Conversion;

/// <summary>
/// What the converter knows about a tensor flowing through the graph: its element type and, where it can be
/// inferred, its shape. A dimension of -1 is unknown (e.g. the batch of the emotion model); a null shape means
/// even the rank is unknown.
/// </summary>
public sealed record TensorInfo(ElementType Type, int[]? Shape)
{
    public int Rank => Shape?.Length ?? throw new InvalidOperationException("The rank of this tensor is unknown.");

    public bool HasRank => Shape is not null;

    public bool IsFullyKnown => Shape is not null && Shape.All(d => d >= 0);

    public override string ToString() => $"{Type.Describe()}[{(Shape is null ? "?" : string.Join(',', Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))))}]";
}
