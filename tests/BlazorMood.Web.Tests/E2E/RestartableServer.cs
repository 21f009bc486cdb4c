using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// The real app on Kestrel that can be stopped and started again on the same port and the same SQLite database, the
/// way an operator restarts a server: the old host shuts down (its sockets, circuits and hub connections close), a new
/// one starts from scratch on the same address. Browsers that were connected have to find their own way back.
/// </summary>
public sealed class RestartableServer : IDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private KestrelHost? _host;

    public RestartableServer(IReadOnlyDictionary<string, string?>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
        DatabasePath = Path.Combine(Path.GetTempPath(), "blazormood-tests", Guid.NewGuid().ToString("n"), "restartable.db");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string DatabasePath { get; }

    public bool IsRunning => _host is not null;

    /// <summary>Services of the running host.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>The administrator seeded by the running host (every start seeds a fresh set of test accounts).</summary>
    public TestAccount Admin => Host.Admin;

    private KestrelHost Host => _host ?? throw new InvalidOperationException("The server is stopped.");

    /// <summary>Starts a host and waits until it answers its health check; returns how long that took.</summary>
    public TimeSpan Start()
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("The server is already running.");
        }
        var watch = Stopwatch.StartNew();
        var host = new KestrelHost(_settings, DatabasePath, Port);
        try
        {
            host.StartServer();
            _ = host.Admin; // seeded once the host has started
        }
        catch
        {
            host.Dispose();
            throw;
        }
        _host = host;
        return watch.Elapsed;
    }

    /// <summary>Shuts the host down (graceful, as a service manager's stop would).</summary>
    public void Stop()
    {
        var host = _host;
        _host = null;
        host?.Dispose();
    }

    /// <summary>Stop, then start on the same port and database; returns how long the server was away.</summary>
    public TimeSpan Restart()
    {
        var watch = Stopwatch.StartNew();
        Stop();
        Start();
        return watch.Elapsed;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(Path.GetDirectoryName(DatabasePath)!, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the WAL file for a moment; the temp folder is disposable anyway.
        }
    }

    /// <summary>A loopback port nobody listens on now (the host binds it right after).</summary>
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class KestrelHost : BlazorMoodWebFactory
    {
        public KestrelHost(IReadOnlyDictionary<string, string?> settings, string databasePath, int port)
            : base(settings, databasePath)
        {
            UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Vision:ExecutionProvider", "Cpu");
        }
    }
}
