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
        string? packageDir = null;
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
                    case "--package-dir": packageDir = Next(); break;
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
            foreach (var group in models.GroupBy(m => m.Package))
            {
                // --package-dir stands for the Human package; face-api is always fetched (or reused) from the cache.
                var dir = packageDir is not null && group.Key == NpmPackageSpec.Human
                    ? packageDir
                    : await NpmPackageFetcher.FetchAsync(group.Key, cache, stdout);
                ModelImporter.Import(dir, group.Key, outDir, group.ToList(), stdout);
            }
            return 0;
        }
        catch (Exception e) when (e is ConversionException or InvalidDataException or IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"Import failed: {e.Message}");
            return 1;
        }
    }

    private static void PrintUsage(TextWriter w) => w.WriteLine(
        "Usage: BlazorMood.ModelImport --out DIR [--cache DIR] [--model NAME]... [--package-dir DIR]\n" +
        $"  Converts {string.Join(", ", ModelCatalog.All.Select(m => $"{m.Package.Name}@{m.Package.Version} {m.PackagePath}"))}\n" +
        "  into DIR/<name>.onnx. The package is fetched with npm into the cache (default .cache) and its sha512 checked,\n" +
        "  unless --package-dir points at an unpacked copy of the Human package.");
}
