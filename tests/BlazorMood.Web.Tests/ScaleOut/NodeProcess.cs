using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// One node of a multi-node test: the built BlazorMood.Web.dll (a web node) or BlazorMood.Worker.dll (a worker) started
/// as its own OS process (<c>dotnet</c>) on a
/// free loopback port, configured through environment variables only (as a container would be). Its stdout and stderr
/// are kept so a failing test can show them. Disposing kills the whole process tree, so nothing outlives a test.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    // Output lines kept per node: enough for a start-up failure or a stack trace, bounded for a chatty node.
    private const int MaxLogLines = 4000;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly HashSet<int> _descendants = [];

    private NodeProcess(string name, Uri baseAddress, Process process)
    {
        Name = name;
        BaseAddress = baseAddress;
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Short name in the test output (A, B, W1 …).</summary>
    public string Name { get; }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The built web app of the same configuration as this test assembly (Release in CI, Debug from an IDE).</summary>
    public static string WebDll => BuiltHost("BlazorMood.Web");

    /// <summary>The built worker host, likewise.</summary>
    public static string WorkerDll => BuiltHost("BlazorMood.Worker");

    private static string BuiltHost(string project)
    {
        // tests/BlazorMood.Web.Tests/bin/<Configuration>/net10.0/ → the configuration name.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(TestAssets.RepoRoot, "src", project, "bin", configuration, "net10.0", project + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution first (dotnet build BlazorMood.sln -c {configuration}).");
        }
        return dll;
    }

    /// <summary>Starts the web node; <see cref="WaitReadyAsync"/> waits until it answers.</summary>
    public static NodeProcess Start(string name, IReadOnlyDictionary<string, string> settings) => Start(name, settings, WebDll);

    /// <summary>Starts the node of <paramref name="hostDll"/>; <see cref="WaitReadyAsync"/> waits until it answers.</summary>
    public static NodeProcess Start(string name, IReadOnlyDictionary<string, string> settings, string hostDll)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var psi = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestAssets.RepoRoot,
        };
        psi.ArgumentList.Add(hostDll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        psi.Environment["BLAZORMOOD_ROOT"] = TestAssets.RepoRoot;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in settings)
        {
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        return new NodeProcess(name, baseAddress, process);
    }

    /// <summary>Waits for <c>/healthz</c>; fails with the node's output if it exits or does not answer in time.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"node {Name} exited with code {_process.ExitCode} during start-up:\n{Output()}");
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
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"node {Name} did not answer /healthz within {timeout.TotalSeconds:F0} s:\n{Output()}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>SIGKILL of this process alone, as when a machine dies under it (its ffmpeg children are killed in <see cref="DisposeAsync"/>).</summary>
    public async Task KillAsync()
    {
        RememberDescendants();
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>The node's output so far, for a failure message.</summary>
    public string Output()
    {
        var text = new StringBuilder();
        foreach (var line in _log)
        {
            text.Append('[').Append(Name).Append("] ").AppendLine(line);
        }
        return text.ToString();
    }

    /// <summary>The node's output lines so far (stdout and stderr, the last 4000).</summary>
    public IReadOnlyList<string> Lines() => [.. _log];

    /// <summary>Signs in through the sign-in form of this node and returns the cookie header (every cookie the form set).</summary>
    public Task<string> SignInAsync(string email, string password) => SignInAsync(this, this, email, password);

    /// <summary>
    /// Fetches the sign-in form (and its antiforgery token and cookie) from <paramref name="formFrom"/> and posts it to
    /// <paramref name="postTo"/>: with one shared key ring that works across nodes, as it must behind a proxy.
    /// </summary>
    public static Task<string> SignInAsync(NodeProcess formFrom, NodeProcess postTo, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(formFrom);
        ArgumentNullException.ThrowIfNull(postTo);
        return SignInAsync(formFrom.Name, formFrom.BaseAddress, postTo.Name, postTo.BaseAddress, email, password);
    }

    /// <summary>Signs in through the sign-in form at <paramref name="baseAddress"/> (a node or a proxy in front of nodes).</summary>
    public static Task<string> SignInAsync(Uri baseAddress, string email, string password) =>
        SignInAsync(baseAddress.ToString(), baseAddress, baseAddress.ToString(), baseAddress, email, password);

    private static async Task<string> SignInAsync(string formFromName, Uri formFromAddress, string postToName, Uri postToAddress, string email, string password)
    {
        var cookies = new CookieContainer();
        using var handler = new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var page = await http.GetStringAsync(new Uri(formFromAddress, "account/login"));
        string Hidden(string name) => HiddenInput().Matches(page).FirstOrDefault(m => m.Groups["name"].Value == name)?.Groups["value"].Value
            ?? throw new InvalidOperationException($"the sign-in page of {formFromName} has no '{name}' field");
        // Both nodes are on 127.0.0.1 (cookies ignore the port), so the antiforgery cookie of the form goes with the post.
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = Hidden("_handler"),
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Hidden("__RequestVerificationToken")),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        using var response = await http.PostAsync(new Uri(postToAddress, "account/login"), form);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException(
                $"signing in (form from {formFromName}, posted to {postToName}) answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        var header = cookies.GetCookieHeader(postToAddress);
        // Besides the antiforgery cookie of the form, the sign-in must have set the account's cookie.
        if (cookies.GetCookies(postToAddress).All(c => c.Name.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"signing in on {postToName} set no sign-in cookie (cookies: {header})");
        }
        return header;
    }

    [GeneratedRegex("<input[^>]*?name=\"(?<name>[^\"]+)\"[^>]*?value=\"(?<value>[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex HiddenInput();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            RememberDescendants();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        // Children of a node killed alone (ffmpeg) were re-parented when it died; they are ended here by their ids.
        foreach (var pid in _descendants)
        {
            try
            {
                using var child = Process.GetProcessById(pid);
                child.Kill();
            }
            catch (ArgumentException)
            {
                // already gone
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > MaxLogLines && _log.TryDequeue(out _))
        {
        }
    }

    /// <summary>Collects the ids of this process's descendants from /proc (Linux), so they can be ended after it.</summary>
    private void RememberDescendants()
    {
        var pending = new Stack<int>();
        pending.Push(_process.Id);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            foreach (var task in SafeDirectories($"/proc/{pid}/task"))
            {
                var children = Path.Combine(task, "children");
                if (!File.Exists(children))
                {
                    continue;
                }
                string text;
                try
                {
                    text = File.ReadAllText(children);
                }
                catch (IOException)
                {
                    continue;
                }
                foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var child = int.Parse(part, CultureInfo.InvariantCulture);
                    if (_descendants.Add(child))
                    {
                        pending.Push(child);
                    }
                }
            }
        }
    }

    private static string[] SafeDirectories(string path)
    {
        try
        {
            return Directory.Exists(path) ? Directory.GetDirectories(path) : [];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The dotnet host running these tests (the CLI passes it to its children), so no PATH entry is needed.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        return Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
