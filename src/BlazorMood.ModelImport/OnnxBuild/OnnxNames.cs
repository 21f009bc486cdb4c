using System.Text;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.OnnxBuild;

/// <summary>
/// Names of the converted models' inputs and outputs. The TF signature names are kept, minus the <c>:0</c>
/// output suffix, with every character other than letters, digits and '_' replaced by '_'
/// (<c>input_1:0</c> → <c>input_1</c>, <c>tower_0/images</c> → <c>tower_0_images</c>), so callers can use them as identifiers.
/// </summary>
public static class OnnxNames
{
    public static string ForSignature(string tfName)
    {
        var r = TensorRef.Parse(tfName);
        var baseName = r.Index == 0 ? r.Node : $"{r.Node}_{r.Index}";
        var sb = new StringBuilder(baseName.Length);
        foreach (var c in baseName)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        return sb.ToString();
    }
}
