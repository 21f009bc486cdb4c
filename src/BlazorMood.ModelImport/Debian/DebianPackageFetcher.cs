using System.Diagnostics;

namespace BlazorMood.ModelImport.Debian;

/// <summary>
/// Extracts files from a Debian package without installing it (<c>apt-get download</c> + <c>dpkg -x</c>), into a cache.
/// Used for public-domain test media that Debian ships, such as scikit-image's <c>astronaut.png</c>.
/// </summary>
public static class DebianPackageFetcher
{
    /// <summary>scikit-image's astronaut photo (Eileen Collins, NASA; public domain) from <c>python3-skimage</c>.</summary>
    public static string FetchAstronautPng(string cacheRoot) =>
        FetchFile(cacheRoot, "python3-skimage", "usr/lib/python3/dist-packages/skimage/data/astronaut.png");

    /// <summary>Returns the path of <paramref name="relativePath"/> inside <paramref name="package"/>, extracting it on first use.</summary>
    public static string FetchFile(string cacheRoot, string package, string relativePath)
    {
        var dir = Path.Combine(Path.GetFullPath(cacheRoot), "debian", package);
        var target = Path.Combine(dir, relativePath);
        if (File.Exists(target))
        {
            return target;
        }
        Directory.CreateDirectory(dir);
        Run("apt-get", dir, "download", package);
        var deb = Directory.GetFiles(dir, package + "_*.deb").Single();
        Run("dpkg", dir, "-x", deb, dir);
        File.Delete(deb);
        return File.Exists(target) ? target : throw new FileNotFoundException($"{package} did not contain {relativePath}", target);
    }

    private static void Run(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within 5 minutes.");
        }
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {err.Result.Trim()}. " +
                "Run 'apt-get update' first (scripts/setup.sh --tests does).");
        }
    }
}
