using System.Diagnostics;
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

    /// <summary>Unpacked <c>@vladmandic/human@3.3.6</c> (models and <c>assets/samples.jpg</c>).</summary>
    public static string HumanPackageDir => Locked(() => NpmPackageFetcher.FetchAsync(NpmPackageSpec.Human, CacheRoot).GetAwaiter().GetResult());

    /// <summary>Unpacked <c>@vladmandic/face-api@1.7.15</c> (<c>demo/sample*.jpg</c>).</summary>
    public static string FaceApiPackageDir => Locked(() => NpmPackageFetcher.FetchAsync(NpmPackageSpec.FaceApi, CacheRoot).GetAwaiter().GetResult());

    public static string HumanAsset(string name) => Path.Combine(HumanPackageDir, "assets", name);

    public static string FaceApiSample(string name) => Path.Combine(FaceApiPackageDir, "demo", name);

    /// <summary>scikit-image's astronaut.png (public domain, NASA), extracted from Debian's python3-skimage.</summary>
    public static string AstronautPng => Locked(FetchAstronaut);

    private static string FetchAstronaut()
    {
        var dir = Path.Combine(CacheRoot, "debian", "python3-skimage");
        var png = Path.Combine(dir, "usr", "lib", "python3", "dist-packages", "skimage", "data", "astronaut.png");
        if (File.Exists(png))
        {
            return png;
        }
        Directory.CreateDirectory(dir);
        Run("apt-get", dir, "download", "python3-skimage");
        var deb = Directory.GetFiles(dir, "python3-skimage_*.deb").Single();
        Run("dpkg", dir, "-x", deb, dir);
        File.Delete(deb);
        return File.Exists(png) ? png : throw new FileNotFoundException("python3-skimage did not contain astronaut.png", png);
    }

    private static void Run(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result}. " +
                "Run 'apt-get update' first (scripts/test.sh does).");
        }
    }

    private static T Locked<T>(Func<T> fetch)
    {
        Directory.CreateDirectory(CacheRoot);
        var lockPath = Path.Combine(CacheRoot, ".fetch.lock");
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                using var _ = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return fetch();
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
