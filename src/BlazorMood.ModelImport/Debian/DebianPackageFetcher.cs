using CliWrap;

namespace BlazorMood.ModelImport.Debian;

/// <summary>
/// Extracts files from a Debian package without installing it (<c>apt-get download</c> + <c>dpkg -x</c>), into a cache.
/// Used for public-domain test media that Debian ships, such as scikit-image's <c>astronaut.png</c>.
/// </summary>
public static class DebianPackageFetcher
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(5);

    /// <summary>scikit-image's astronaut photo (Eileen Collins, NASA; public domain) from <c>python3-skimage</c>.</summary>
    public static Task<string> FetchAstronautPngAsync(string cacheRoot, CancellationToken cancellationToken = default) =>
        FetchFileAsync(cacheRoot, "python3-skimage", "usr/lib/python3/dist-packages/skimage/data/astronaut.png", cancellationToken);

    /// <summary>Returns the path of <paramref name="relativePath"/> inside <paramref name="package"/>, extracting it on first use.</summary>
    public static async Task<string> FetchFileAsync(string cacheRoot, string package, string relativePath, CancellationToken cancellationToken = default)
    {
        var dir = Path.Combine(Path.GetFullPath(cacheRoot), "debian", package);
        var target = Path.Combine(dir, relativePath);
        if (File.Exists(target))
        {
            return target;
        }
        Directory.CreateDirectory(dir);
        await RunAsync("apt-get", dir, ["download", package], cancellationToken);
        var deb = Directory.GetFiles(dir, package + "_*.deb").Single();
        await RunAsync("dpkg", dir, ["-x", deb, dir], cancellationToken);
        File.Delete(deb);
        return File.Exists(target) ? target : throw new FileNotFoundException($"{package} did not contain {relativePath}", target);
    }

    private static async Task RunAsync(string tool, string workingDirectory, string[] args, CancellationToken cancellationToken)
    {
        var result = await ToolRunner.RunAsync(Cli.Wrap(tool).WithArguments(args).WithWorkingDirectory(workingDirectory), ToolTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({result.ExitCode}): {result.StandardError.Trim()}. " +
                "Run 'apt-get update' first (scripts/setup.sh --tests does).");
        }
    }
}
