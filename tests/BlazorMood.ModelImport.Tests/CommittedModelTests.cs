using System.Security.Cryptography;
using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Npm;
using BlazorMood.TestSupport;
using Onnx;

namespace BlazorMood.ModelImport.Tests;

/// <summary>
/// The files in models/ are exactly what the importer produces, and carry their provenance; so does an optional model
/// (imported fresh, not committed).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
public sealed class CommittedModelTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "blazormood-import-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Importing_again_reproduces_the_committed_files_byte_for_byte()
    {
        // One call across packages: each model is read from the unpacked package it comes from (Human, face-api).
        var results = ModelImporter.Import(TestAssets.PackageDir, _out, ModelCatalog.All);
        Assert.Equal(ModelCatalog.All.Count, results.Count);
        foreach (var r in results)
        {
            var committed = Path.Combine(TestAssets.ModelsDir, r.Model.OnnxFileName);
            Assert.True(File.Exists(committed), $"{committed} is missing; run the importer.");
            var committedHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(committed)));
            Assert.True(committedHash == r.Sha256,
                $"{r.Model.OnnxFileName}: a fresh import hashes to {r.Sha256}, the committed file to {committedHash}. Re-run the importer and commit.");
        }
    }

    [Theory]
    [InlineData("emotion", "input_1", new long[] { -1, 64, 64, 1 }, "Identity", 1)]
    [InlineData("blazeface", "input", new long[] { 1, 256, 256, 3 }, "Identity_3", 1)]
    [InlineData("movenet-lightning", "input", new long[] { 1, 192, 192, 3 }, "Identity", 6)]
    [InlineData("centernet", "tower_0_images", new long[] { 1, -1, 512, 3 }, "tower_0_wh", 1)]
    [InlineData("face-expression", "input", new long[] { -1, 112, 112, 3 }, "expressions", 1)]
    [InlineData("movenet-thunder", "input", new long[] { 1, 256, 256, 3 }, "Identity", 6)]
    [InlineData("blazeface-front", "input", new long[] { 1, 128, 128, 3 }, "Identity_1", 1)]
    public void Models_have_the_documented_contract_and_provenance(string name, string input, long[] inputShape, string firstOutput, int inputType)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestAssets.ModelPath(name)));
        Assert.Equal(TfjsToOnnxConverter.ProducerName, model.ProducerName);
        Assert.Equal(TfjsToOnnxConverter.OpsetVersion, model.OpsetImport.Single().Version);
        var meta = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        var catalog = ModelCatalog.Get(name);
        Assert.Equal(catalog.Package.Name, meta["source.package"]);
        Assert.Equal(catalog.Package.Version, meta["source.version"]);
        Assert.Equal(catalog.Package.Integrity, meta["source.integrity"]);
        Assert.Equal(catalog.PackagePath, meta["source.file"]);

        var graphInput = Assert.Single(model.Graph.Input);
        Assert.Equal(input, graphInput.Name);
        Assert.Equal(inputType, graphInput.Type.TensorType.ElemType);
        // -1: a symbolic dimension (the batch, or CenterNet's free height).
        Assert.Equal(inputShape, graphInput.Type.TensorType.Shape.Dim.Select(d => d.DimParam is TfjsToOnnxConverter.BatchDimension or OnnxBuild.CenterNetVariableHeight.HeightDimension ? -1 : d.DimValue));
        Assert.Equal(firstOutput, model.Graph.Output[0].Name);
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }
}
