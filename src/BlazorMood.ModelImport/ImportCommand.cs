using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Npm;

namespace BlazorMood.ModelImport;

/// <summary>
/// <c>blazormood import-models</c>: fetches the pinned packages (or takes unpacked copies) and converts their models.
/// The command line itself (options, help, parse errors) lives in the <c>blazormood</c> tool.
/// </summary>
public static class ImportCommand
{
    /// <summary>Model names <c>--model</c> accepts.</summary>
    public static IEnumerable<string> ModelNames => ModelCatalog.All.Concat(ModelCatalog.Optional).Select(m => m.Name);

    /// <summary>Converts <paramref name="only"/> (every default model when empty) into <paramref name="outDir"/>; 0 on success, 1 when the import failed.</summary>
    public static async Task<int> RunAsync(string outDir, string cache, IReadOnlyList<string> only, IReadOnlyList<string> packageDirs, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var models = only.Count == 0 ? ModelCatalog.All : only.Select(ModelCatalog.Get).ToList();
            // Each model comes from its own pinned package (Human, face-api, human-models); a --package-dir stands in
            // for the package its package.json names, any other package is fetched (or reused) from the cache.
            var given = packageDirs.ToDictionary(PackageNameOf, d => d, StringComparer.Ordinal);
            var dirs = new Dictionary<NpmPackageSpec, string>();
            foreach (var spec in models.Select(m => m.Package).Distinct())
            {
                dirs[spec] = given.TryGetValue(spec.Name, out var dir) ? dir : await NpmPackageFetcher.FetchAsync(spec, cache, stdout);
            }
            ModelImporter.Import(spec => dirs[spec], outDir, models, stdout);
            return 0;
        }
        catch (Exception e) when (e is ConversionException or InvalidDataException or IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"Import failed: {e.Message}");
            return 1;
        }
    }

    private static string PackageNameOf(string packageDir)
    {
        var packageJson = Path.Combine(packageDir, "package.json");
        if (!File.Exists(packageJson))
        {
            throw new DirectoryNotFoundException($"'{packageDir}' is not an unpacked npm package (no package.json).");
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(packageJson));
            return doc.RootElement.TryGetProperty("name", out var name) && name.GetString() is { Length: > 0 } n
                ? n
                : throw new InvalidDataException($"{packageJson} names no package.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{packageJson} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>What the command converts, from where, and into what (the help text's description).</summary>
    public static string Description =>
        "Converts the pinned TF.js graph models into ONNX files DIR/<name>.onnx:\n" +
        string.Concat(ModelCatalog.All.GroupBy(m => m.Package).Select(g =>
            $"  {string.Join(", ", g.Select(m => m.PackagePath))} from {g.Key.Name}@{g.Key.Version}\n")) +
        string.Concat(ModelCatalog.Optional.Select(m =>
            $"  only when named with --model: {m.Name} ({m.PackagePath} from {m.Package.Name}@{m.Package.Version})\n")) +
        "Each package is fetched with npm into the cache and its sha512 checked, unless a --package-dir points at an unpacked copy of it.";
}
