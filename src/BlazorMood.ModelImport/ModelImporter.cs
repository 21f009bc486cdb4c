using System.Security.Cryptography;
using System.Text.Json;
using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.FaceApi;
using BlazorMood.ModelImport.Npm;
using BlazorMood.ModelImport.Tfjs;
using Google.Protobuf;

namespace BlazorMood.ModelImport;

/// <summary>One converted file.</summary>
public sealed record ImportResult(CatalogModel Model, string OnnxPath, long Bytes, string Sha256);

/// <summary>
/// Converts catalogue models from an unpacked npm package folder into ONNX files, recording where each came
/// from in the model's metadata.
/// </summary>
public static class ModelImporter
{
    /// <summary>Converts models that all come from one package (<paramref name="spec"/>, unpacked in <paramref name="packageDir"/>).</summary>
    public static IReadOnlyList<ImportResult> Import(
        string packageDir, NpmPackageSpec spec, string outDir, IEnumerable<CatalogModel> models, TextWriter? log = null) =>
        Import(_ => packageDir, outDir, models.Select(m => m.Package == spec
            ? m
            : throw new ArgumentException($"{m.Name} comes from {m.Package.Name}@{m.Package.Version}, not {spec.Name}@{spec.Version}.", nameof(models))), log);

    /// <summary>Converts models from any of the pinned packages; <paramref name="packageDirs"/> gives each package's unpacked folder.</summary>
    public static IReadOnlyList<ImportResult> Import(
        Func<NpmPackageSpec, string> packageDirs, string outDir, IEnumerable<CatalogModel> models, TextWriter? log = null)
    {
        Directory.CreateDirectory(outDir);
        var results = new List<ImportResult>();
        var checkedPackages = new HashSet<NpmPackageSpec>();
        foreach (var model in models)
        {
            var spec = model.Package;
            var packageDir = packageDirs(spec);
            if (checkedPackages.Add(spec))
            {
                CheckPackageVersion(packageDir, spec);
            }
            var bytes = Convert(packageDir, spec, model);
            var target = Path.Combine(outDir, model.OnnxFileName);
            WriteAtomically(target, bytes);
            var result = new ImportResult(model, Path.GetFullPath(target), bytes.Length, System.Convert.ToHexStringLower(SHA256.HashData(bytes)));
            log?.WriteLine($"{model.Name}: {model.PackagePath} -> {target} ({bytes.Length:N0} bytes, sha256 {result.Sha256})");
            results.Add(result);
        }
        return results;
    }

    /// <summary>Converts one model and returns the serialised ONNX bytes.</summary>
    public static byte[] Convert(string packageDir, NpmPackageSpec spec, CatalogModel model)
    {
        var jsonPath = Path.Combine(packageDir, model.PackagePath);
        TfjsGraphModel graph;
        IReadOnlyDictionary<string, TensorData> weights;
        if (model.Format == ModelSourceFormat.FaceApiExpressionNet)
        {
            // face-api ships weights only; the graph is written from its network code.
            graph = FaceExpressionNetGraph.Build(jsonPath);
            weights = FaceExpressionNetGraph.ReadWeights(graph);
        }
        else
        {
            graph = TfjsGraphModel.Load(jsonPath);
            weights = TfjsWeightReader.ReadAll(graph);
        }
        var provenance = Provenance(spec, model, graph);
        var proto = new TfjsToOnnxConverter().Convert(graph, weights, provenance);
        model.Rewrite?.Invoke(proto);
        return proto.ToByteArray();
    }

    private static ModelProvenance Provenance(NpmPackageSpec spec, CatalogModel model, TfjsGraphModel graph)
    {
        var dir = Path.GetDirectoryName(graph.SourcePath)!;
        var weightFiles = graph.WeightGroups.SelectMany(g => g.Paths).ToList();
        var props = new List<KeyValuePair<string, string>>
        {
            new("source.package", spec.Name),
            new("source.version", spec.Version),
            new("source.integrity", spec.Integrity),
            new("source.file", model.PackagePath),
            new("source.file.sha256", Sha256Of(graph.SourcePath)),
            new("source.weights", string.Join(";", weightFiles.Select(p => Path.GetDirectoryName(model.PackagePath)!.Replace('\\', '/') + "/" + p))),
            new("source.weights.sha256", string.Join(";", weightFiles.Select(p => Sha256Of(Path.Combine(dir, p))))),
        };
        foreach (var key in new[] { "generatedBy", "convertedBy" })
        {
            if (graph.Provenance.TryGetValue(key, out var v))
            {
                props.Add(new("source." + key, v));
            }
        }
        props.Add(new("layout", "NHWC: inputs and outputs keep the TensorFlow shapes"));
        props.Add(new("converter", $"{TfjsToOnnxConverter.ProducerName} {TfjsToOnnxConverter.ProducerVersion}: TF.js graph model to ONNX opset {TfjsToOnnxConverter.OpsetVersion}"));
        var doc = $"{model.Name}: {spec.Name}@{spec.Version} {model.PackagePath}, converted from TF.js to ONNX by {TfjsToOnnxConverter.ProducerName}.";
        return new ModelProvenance(model.Name, props, doc);
    }

    private static string Sha256Of(string path)
    {
        using var f = File.OpenRead(path);
        return System.Convert.ToHexStringLower(SHA256.HashData(f));
    }

    private static void CheckPackageVersion(string packageDir, NpmPackageSpec spec)
    {
        var packageJson = Path.Combine(packageDir, "package.json");
        if (!File.Exists(packageJson))
        {
            throw new DirectoryNotFoundException($"'{packageDir}' is not an unpacked npm package (no package.json).");
        }
        using var doc = JsonDocument.Parse(File.ReadAllBytes(packageJson));
        var name = doc.RootElement.GetProperty("name").GetString();
        var version = doc.RootElement.GetProperty("version").GetString();
        if (name != spec.Name || version != spec.Version)
        {
            throw new InvalidDataException($"'{packageDir}' holds {name}@{version}, not {spec.Name}@{spec.Version}.");
        }
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }
}
