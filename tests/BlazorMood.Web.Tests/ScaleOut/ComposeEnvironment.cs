using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// The environment docker/compose.yaml gives each app service (web1, web2, worker), resolved the way Compose resolves
/// it: <c>docker-compose config</c> when it is installed (scripts/setup.sh --tests installs it), otherwise the file
/// itself read with PyYAML (anchors and merge keys) and its <c>${VAR:-default}</c> references filled in here. The
/// multi-node tests start their nodes from these settings, so a key changed in the file is a key changed in the tests.
/// </summary>
public static partial class ComposeEnvironment
{
    /// <summary>The compose file, relative to the repository root.</summary>
    public const string ComposeFile = "docker/compose.yaml";

    /// <summary>Only to render the file: it refuses to render without an admin password (the tests set their own).</summary>
    private const string RenderPassword = "compose-render-only";

    // Prints {service: {KEY: value}} as JSON from the YAML on stdin (PyYAML comes with docker-compose; check-compose uses it too).
    private const string ToJson =
        "import sys, yaml, json; c = yaml.safe_load(sys.stdin); " +
        "print(json.dumps({n: {k: ('' if v is None else str(v)) for k, v in (s.get('environment') or {}).items()} for n, s in c['services'].items()}))";

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> Services = new(Load);

    /// <summary>The environment of one service of the compose file, keys as written there (Section__Key).</summary>
    public static IReadOnlyDictionary<string, string> Of(string service) =>
        Services.Value.TryGetValue(service, out var environment)
            ? environment
            : throw new InvalidOperationException($"{ComposeFile} has no service '{service}'");

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Load()
    {
        var compose = Path.Combine(TestAssets.RepoRoot, ComposeFile);
        string json;
        if (OnPath("docker-compose"))
        {
            json = Run("bash", ["-c", $"docker-compose -f \"$1\" config | python3 -c \"{ToJson}\"", "resolve", compose]);
        }
        else
        {
            json = Interpolate(Run("bash", ["-c", $"python3 -c \"{ToJson}\" < \"$1\"", "resolve", compose]));
        }
        var parsed = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(json)
            ?? throw new InvalidOperationException($"{ComposeFile} rendered to nothing");
        return parsed.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, string>)p.Value);
    }

    /// <summary>Compose's <c>${NAME}</c>, <c>${NAME:-default}</c> and <c>${NAME:?error}</c> with this process's environment.</summary>
    private static string Interpolate(string text) => Reference().Replace(text, m =>
    {
        var name = m.Groups["name"].Value;
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } set)
        {
            return set;
        }
        if (m.Groups["default"].Success)
        {
            return m.Groups["default"].Value;
        }
        return name == "BLAZORMOOD_ADMIN_PASSWORD" ? RenderPassword : string.Empty;
    });

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*)|:\?[^}]*)?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));

    private static string Run(string file, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestAssets.RepoRoot,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BLAZORMOOD_ADMIN_PASSWORD")))
        {
            psi.Environment["BLAZORMOOD_ADMIN_PASSWORD"] = RenderPassword;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"resolving {ComposeFile} failed ({process.ExitCode}); run scripts/setup.sh --tests (docker-compose, python3-yaml):\n{stderr.Result}");
        }
        return stdout;
    }
}
