using System.Globalization;

namespace BlazorMood.ModelImport.Tfjs;

/// <summary>
/// A reference to one output of a node as TF graphs write it: <c>node</c> for output 0, <c>node:1</c> for output 1.
/// Control dependencies (<c>^node</c>) are not data and are filtered out before this type is used.
/// </summary>
public readonly record struct TensorRef(string Node, int Index)
{
    public static TensorRef Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return new TensorRef(text[..colon], index);
        }
        return new TensorRef(text, 0);
    }

    public override string ToString() => Index == 0 ? Node : $"{Node}:{Index.ToString(CultureInfo.InvariantCulture)}";
}
