using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace BlazorMood.Bench.Live;

/// <summary>How to start one node of a deployment: its name in the output, settings added to its environment, and the deployment's administrator.</summary>
internal sealed record NodeLaunch(string Name, IReadOnlyDictionary<string, string> Environment, string AdminEmail, string AdminPassword);

/// <summary>The app under test: a child process started from the built BlazorMood.Web.dll, or an attached one. Reads its CPU time and RSS from /proc.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    // An attached server's credentials: an API token of an account on it (every API and hub needs a signed-in caller).
    private const string TokenVariable = "BLAZORMOOD_TOKEN";

    private readonly Process? _owned;
    private readonly string? _dataDir;

    private ServerProcess(Uri baseUrl, int? pid, Process? owned, string? dataDir)
    {
        BaseUrl = baseUrl;
        Pid = pid;
        _owned = owned;
        _dataDir = dataDir;
    }

    public Uri BaseUrl { get; }

    public int? Pid { get; }

    /// <summary>Sign-in cookie of the bench's own administrator (a started server); null for an attached one.</summary>
    public string? AuthCookie { get; private set; }

    /// <summary>Sends the bench's credentials with every request of a client: the cookie, else <c>BLAZORMOOD_TOKEN</c>.</summary>
    public void Authorize(HttpRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (AuthCookie is not null)
        {
            headers.Add("Cookie", AuthCookie);
        }
        else if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token)
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The same for a SignalR connection.</summary>
    public void Authorize(HttpConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (AuthCookie is not null)
        {
            options.Headers["Cookie"] = AuthCookie;
        }
        else if (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token)
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
        }
    }

    public static ServerProcess Attach(Uri url, int? pid) => new(url, pid, null, null);

    public static Task<ServerProcess> StartAsync(LiveBenchOptions options) => StartAsync(options, node: null);

    /// <summary>
    /// Starts the app. Without <paramref name="node"/>: one embedded process (role <c>all</c>, SQLite in a folder of
    /// this run, its own administrator). With it: one node of a deployment (<c>bench live --nodes</c>), with the node's
    /// settings added to the environment, the deployment's administrator, and readiness (<c>/readyz</c>: models,
    /// database and Redis) awaited instead of liveness.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(LiveBenchOptions options, NodeLaunch? node)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dll = options.ServerDll ?? FindWebDll(options.RepoRoot)
            ?? throw new InvalidOperationException("BlazorMood.Web is not built: run 'dotnet build src/BlazorMood.Web -c Release' or pass --server-dll");
        var name = node?.Name ?? "server";
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var dataDir = Directory.CreateTempSubdirectory("blazormood-bench-").FullName;
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(url.ToString().TrimEnd('/'));
        psi.Environment["BLAZORMOOD_ROOT"] = options.RepoRoot;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Data__DatabasePath"] = Path.Combine(dataDir, "bench.db");
        psi.Environment["Vision__ExecutionProvider"] = "Cpu";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // The app has no built-in account: the bench makes its own administrator (a password of this run only) and signs in.
        var email = node?.AdminEmail ?? "bench@blazormood.invalid";
        var password = node?.AdminPassword ?? NewAdminPassword();
        psi.Environment["Admin__Email"] = email;
        psi.Environment["Admin__Password"] = password;
        foreach (var (key, value) in node?.Environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + dll);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) { Console.Error.WriteLine(name + ": " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var probe = node is null ? "healthz" : "readyz";
        // A node connects to PostgreSQL and Redis and (the first) migrates the database: it may take longer than the embedded app.
        var startLimit = TimeSpan.FromSeconds(node is null ? 60 : 120);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the {name} exited with code {process.ExitCode} during start-up");
            }
            try
            {
                if ((await http.GetAsync(probe)).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (deadline.Elapsed > startLimit)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the {name} did not answer /{probe} within {startLimit.TotalSeconds:F0} s");
            }
            await Task.Delay(200);
        }
        Console.WriteLine($"live: {name} {Path.GetFileName(dll)} (pid {process.Id}) on {url}, ready in {deadline.Elapsed.TotalSeconds:F1} s");
        return new ServerProcess(url, process.Id, process, dataDir) { AuthCookie = await SignInAsync(url, email, password) };
    }

    /// <summary>A password of this run only for the bench's administrator (meets the app's password rules).</summary>
    public static string NewAdminPassword() => "Bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "-A1";

    /// <summary>Signs in through the app's sign-in form (antiforgery token and form handler from the page) and returns the cookies.</summary>
    private static async Task<string> SignInAsync(Uri url, string email, string password)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = url };
        var page = await http.GetStringAsync("account/login");
        string Hidden(string name) => HiddenInput().Matches(page).FirstOrDefault(m => m.Groups["name"].Value == name)?.Groups["value"].Value
            ?? throw new InvalidOperationException($"the sign-in page has no '{name}' field");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = Hidden("_handler"),
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Hidden("__RequestVerificationToken")),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        var response = await http.PostAsync("account/login", form);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"signing the bench administrator in failed: {(int)response.StatusCode}");
        }
        return cookies.GetCookieHeader(url);
    }

    [GeneratedRegex("<input[^>]*?name=\"(?<name>[^\"]+)\"[^>]*?value=\"(?<value>[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex HiddenInput();

    private static string? FindWebDll(string root) =>
        new[] { "Release", "Debug" }
            .Select(c => Path.Combine(root, "src", "BlazorMood.Web", "bin", c, "net10.0", "BlazorMood.Web.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>User + system CPU seconds of the server so far; null when its pid is unknown or /proc is unavailable.</summary>
    public double? CpuSeconds()
    {
        if (Pid is not { } pid || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: field 14 (utime) and 15 (stime) of proc(5) are at index 11 and 12 here.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /// <summary>Resident set size of the server in MiB; null when unknown.</summary>
    public double? RssMb()
    {
        if (Pid is not { } pid || !File.Exists($"/proc/{pid}/status"))
        {
            return null;
        }
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return null;
    }

    public RssSampler SampleRss(TimeSpan every) => new(this, every);

    public async ValueTask DisposeAsync()
    {
        if (_owned is { HasExited: false })
        {
            _owned.Kill(entireProcessTree: true);
            await _owned.WaitForExitAsync();
        }
        _owned?.Dispose();
        if (_dataDir is not null)
        {
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Peak RSS over a window, sampled on a timer.</summary>
    internal sealed class RssSampler : IDisposable
    {
        private readonly Timer _timer;
        private readonly Lock _lock = new();
        private double? _peak;

        public RssSampler(ServerProcess server, TimeSpan every)
        {
            _timer = new Timer(_ =>
            {
                var rss = server.RssMb();
                lock (_lock)
                {
                    if (rss is { } r && (_peak is null || r > _peak))
                    {
                        _peak = r;
                    }
                }
            }, null, TimeSpan.Zero, every);
        }

        public double? PeakMb
        {
            get
            {
                lock (_lock)
                {
                    return _peak;
                }
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
