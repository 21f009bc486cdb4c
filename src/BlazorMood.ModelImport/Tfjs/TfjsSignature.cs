using BlazorMood.ModelImport.Conversion;

namespace BlazorMood.ModelImport.Tfjs;

/// <summary>One input or output of a graph model's serving signature, e.g. <c>input_1:0</c> float32 [-1,64,64,1].</summary>
public sealed record TfjsSignatureTensor(string Name, ElementType Type, int[]? Shape)
{
    public TensorRef Ref => TensorRef.Parse(Name);
}

/// <summary>The serving signature: the model's named inputs and outputs, in the order the JSON lists them.</summary>
public sealed record TfjsSignature(IReadOnlyList<TfjsSignatureTensor> Inputs, IReadOnlyList<TfjsSignatureTensor> Outputs);
