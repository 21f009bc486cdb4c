using System.Diagnostics;
using System.Globalization;

namespace BlazorMood.Tests.Support;

/// <summary>
/// A real Subsonic server for the tests: Debian's supysonic, started by <c>scripts/start-subsonic.sh</c> on a free
/// loopback port with six of the generated tracks, and stopped afterwards.
/// </summary>
public sealed class SupysonicServer : IAsyncLifetime
{
    public Uri Url { get; private set; } = null!;

    public string User { get; private set; } = "";

    public string Password { get; private set; } = "";

    public string Dir { get; private set; } = "";

    public int Tracks { get; private set; }

    public string MusicDir => Path.Combine(Dir, "music", "BlazorMood Synth", "Starter");

    public async Task InitializeAsync()
    {
        var (code, stdout, stderr) = await RunAsync(Script(), []);
        if (code != 0)
        {
            throw new InvalidOperationException($"These tests need a Subsonic server: scripts/start-subsonic.sh failed ({stderr.Trim()}). " +
                "It needs the Debian packages supysonic and python3-waitress (scripts/setup.sh --tests installs them).");
        }
        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        Url = new Uri(values["SUBSONIC_URL"]);
        User = values["SUBSONIC_USER"];
        Password = values["SUBSONIC_PASSWORD"];
        Dir = values["SUBSONIC_DIR"];
        Tracks = int.Parse(values["SUBSONIC_TRACKS"], CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (Dir.Length > 0)
        {
            await RunAsync(Script(), ["--stop", Dir]);
        }
    }

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlazorMood.sln")))
        {
            dir = dir.Parent;
        }
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "scripts", "start-subsonic.sh");
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }
}

