using BlazorMood.ModelImport.OnnxBuild;
using BlazorMood.TestSupport;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace BlazorMood.ModelImport.Tests;

/// <summary>
/// The committed ONNX models against the original TF.js models (pure-JS CPU backend of @tensorflow/tfjs 4.22.0)
/// on the same inputs. Error measure, per output tensor and input case:
/// <c>max_i |onnx_i - tfjs_i| / max_i |tfjs_i|</c>, i.e. the worst absolute difference relative to the output's
/// largest magnitude. It must stay within 1e-4.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection(ParityCollection.Name)]
public sealed class ParityTests(ParityReferences references, ITestOutputHelper output)
{
    public const double Tolerance = 1e-4;

    public static TheoryData<string> Models => new(ModelCatalog.All.Concat(ModelCatalog.Optional).Select(m => m.Name));

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_matches_tfjs(string model)
    {
        var index = references.Index(model);
        using var session = new InferenceSession(TestAssets.ModelPath(model));
        foreach (var c in index.Cases)
        {
            var results = Run(session, model, c);
            for (var i = 0; i < c.Outputs.Length; i++)
            {
                var expectedSpec = c.Outputs[i];
                var expected = TensorFiles.ReadFloat32(references.FilePath(model, expectedSpec.File));
                var (shape, actual) = results[OnnxNames.ForSignature(expectedSpec.TfName)];
                Assert.Equal(expectedSpec.Shape.Select(d => (long)d), shape);
                var error = RelativeError(actual, expected);
                output.WriteLine($"{model}/{c.Name} {expectedSpec.TfName}: max relative error {error:E2}");
                Assert.True(error <= Tolerance, $"{model}/{c.Name} output {expectedSpec.TfName}: relative error {error:E3} > {Tolerance:E0}");
            }
        }
    }

    /// <summary>max|a-b| / max|b|; 0 when both are all zeros.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxRef = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(actual[i]) != float.IsNaN(expected[i]))
            {
                return double.PositiveInfinity;
            }
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
        }
        return maxDiff == 0 ? 0 : maxDiff / maxRef;
    }

    private Dictionary<string, (long[] Shape, float[] Values)> Run(InferenceSession session, string model, ParityCase c)
    {
        var inputs = new List<OrtValue>();
        try
        {
            foreach (var input in c.Inputs)
            {
                var shape = input.Shape.Select(d => (long)d).ToArray();
                var path = references.FilePath(model, input.File);
                inputs.Add(input.Dtype == "int32"
                    ? OrtValue.CreateTensorValueFromMemory(TensorFiles.ReadInt32(path), shape)
                    : OrtValue.CreateTensorValueFromMemory(TensorFiles.ReadFloat32(path), shape));
            }
            var inputNames = c.Inputs.Select(i => OnnxNames.ForSignature(i.TfName)).ToArray();
            var outputNames = session.OutputNames.ToArray();
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputNames, inputs, outputNames);
            var result = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
            for (var i = 0; i < outputNames.Length; i++)
            {
                var info = outputs[i].GetTensorTypeAndShape();
                result[outputNames[i]] = (info.Shape, outputs[i].GetTensorDataAsSpan<float>().ToArray());
            }
            return result;
        }
        finally
        {
            foreach (var v in inputs)
            {
                v.Dispose();
            }
        }
    }
}
