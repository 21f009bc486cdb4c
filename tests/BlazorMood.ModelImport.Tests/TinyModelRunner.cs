using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Tfjs;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace BlazorMood.ModelImport.Tests;

/// <summary>Converts a <see cref="TinyTfjsModel"/> and runs it in ONNX Runtime.</summary>
internal static class TinyModelRunner
{
    public static byte[] Convert(string jsonPath)
    {
        var graph = TfjsGraphModel.Load(jsonPath);
        var weights = TfjsWeightReader.ReadAll(graph);
        var proto = new TfjsToOnnxConverter().Convert(graph, weights, new ModelProvenance("tiny", [], "test model"));
        return proto.ToByteArray();
    }

    /// <summary>Runs the model on one input and returns the named output as a flat array.</summary>
    public static T[] Run<TIn, T>(byte[] onnx, string input, TIn[] values, long[] shape, string output)
        where TIn : unmanaged
        where T : unmanaged
    {
        using var session = new InferenceSession(onnx);
        using var x = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [input], [x], [output]);
        return results[0].GetTensorDataAsSpan<T>().ToArray();
    }
}
