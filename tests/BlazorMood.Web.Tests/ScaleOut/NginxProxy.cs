using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// nginx (the Debian package) run natively with docker/nginx.conf, changed only where a native run must differ: the
/// upstream servers web1/web2 become two nodes' loopback ports, <c>listen 80</c> a free loopback port, and the pid,
/// logs and temp folders go into a temp prefix. An access log of the upstream each request went to is added, so a
/// test can see where ip_hash sent it. It runs in the foreground as a child process, killed with its workers on dispose.
/// </summary>
public sealed partial class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _prefix;

    private NginxProxy(Process process, string prefix, Uri baseAddress)
    {
        _process = process;
        _prefix = prefix;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>Where nginx is; scripts/setup.sh --tests installs it.</summary>
    public static string Executable =>
        new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed: run scripts/setup.sh --tests (apt-get install nginx-light)");

    /// <summary>Starts nginx in front of <paramref name="web1"/> and <paramref name="web2"/> and waits until it answers.</summary>
    public static async Task<NginxProxy> StartAsync(NodeProcess web1, NodeProcess web2)
    {
        ArgumentNullException.ThrowIfNull(web1);
        ArgumentNullException.ThrowIfNull(web2);
        var prefix = Directory.CreateTempSubdirectory("blazormood-nginx-").FullName;
        var port = FreePort();
        var config = Rewrite(await File.ReadAllTextAsync(Path.Combine(TestAssets.RepoRoot, "docker", "nginx.conf")), prefix, port, web1.BaseAddress.Port, web2.BaseAddress.Port);
        var configPath = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config);

        var psi = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // -e: the log of start-up errors (before the configuration is read); -g: the main-context directives a
        // foreground child needs. 'user' matters only when the tests run as root (workers would otherwise run as
        // nobody and could not write the temp prefix); nginx ignores it, with a warning, for other users.
        foreach (var argument in new[]
                 {
                     "-p", prefix, "-c", configPath, "-e", "stderr",
                     "-g", $"daemon off; pid {prefix}/nginx.pid; error_log stderr warn;{(Environment.UserName == "root" ? " user root;" : string.Empty)}",
                 })
        {
            psi.ArgumentList.Add(argument);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start nginx");
        var proxy = new NginxProxy(process, prefix, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await proxy.WaitReadyAsync();
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
        return proxy;
    }

    /// <summary>The upstream address (host:port, or several comma-separated after a failed try) of each logged request to <paramref name="path"/>.</summary>
    public IReadOnlyList<string> UpstreamsOf(string path)
    {
        var found = new List<string>();
        foreach (var line in Lines())
        {
            // "<request uri>|<status>|<upstream addresses>"
            var parts = line.Split('|');
            if (parts.Length == 3 && parts[0].Split('?')[0] == path)
            {
                found.Add(parts[2]);
            }
        }
        return found;
    }

    /// <summary>Every line of the upstream log so far ("&lt;request uri&gt;|&lt;status&gt;|&lt;upstream addresses&gt;"), for a failure message.</summary>
    public IReadOnlyList<string> Lines()
    {
        var log = Path.Combine(_prefix, "upstream.log");
        if (!File.Exists(log))
        {
            return [];
        }
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }

    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
            // the temp folder is cleaned eventually
        }
        catch (UnauthorizedAccessException)
        {
            // a temp folder written by a worker of another user; cleaned eventually
        }
    }

    /// <summary>docker/nginx.conf for this machine; fails when a line it must change is not there.</summary>
    internal static string Rewrite(string config, string prefix, int listenPort, int web1Port, int web2Port)
    {
        string Once(string text, Regex pattern, string replacement, string what)
        {
            if (pattern.Count(text) != 1)
            {
                throw new InvalidOperationException($"docker/nginx.conf: expected exactly one {what}");
            }
            return pattern.Replace(text, replacement);
        }

        config = Once(config, Server("web1"), $"server 127.0.0.1:{web1Port}", "'server web1:8080'");
        config = Once(config, Server("web2"), $"server 127.0.0.1:{web2Port}", "'server web2:8080'");
        config = Once(config, Listen(), $"listen 127.0.0.1:{listenPort};", "'listen 80;'");
        // Debian's nginx has absolute compiled-in temp and log paths (/var/lib/nginx, /var/log/nginx): into the prefix.
        var http = new StringBuilder("http {\n");
        foreach (var temp in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            http.Append(CultureInfo.InvariantCulture, $"    {temp}_temp_path {prefix}/{temp}_temp;\n");
        }
        // Added for the tests only: which node each request went to.
        http.Append("    log_format upstream '$request_uri|$status|$upstream_addr';\n");
        http.Append(CultureInfo.InvariantCulture, $"    access_log {prefix}/upstream.log upstream;\n");
        return Once(config, HttpBlock(), http.ToString(), "'http {'");
    }

    [GeneratedRegex(@"^http \{\n", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex HttpBlock();

    [GeneratedRegex(@"\blisten 80;", RegexOptions.CultureInvariant)]
    private static partial Regex Listen();

    private static Regex Server(string host) => new($@"\bserver {host}:8080\b", RegexOptions.CultureInvariant);

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}:\n{Output()}");
            }
            try
            {
                using var response = await http.GetAsync("healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"nginx did not answer /healthz within 20 s:\n{Output()}");
            }
            await Task.Delay(100);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine("[nginx] " + line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
