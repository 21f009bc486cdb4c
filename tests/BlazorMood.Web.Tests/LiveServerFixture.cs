using System.Net;
using BlazorMood.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests;

/// <summary>
/// The real app on Kestrel on a loopback port (real sockets, real WebSockets), with the real models and a throw-away
/// SQLite database. Used by the hub integration tests (SignalR .NET client) and the browser end-to-end test.
/// </summary>
public sealed class LiveServerFixture : WebApplicationFactory<Program>
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "blazormood-tests", Guid.NewGuid().ToString("n"));

    public LiveServerFixture()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().TrimEnd('/') + "/");
    }

    public Uri BaseAddress { get; }

    public string DatabasePath => Path.Combine(_dataDir, "live-tests.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Data:DatabasePath", DatabasePath);
        builder.UseSetting("Vision:ExecutionProvider", "Cpu");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the WAL file for a moment; the temp folder is disposable anyway.
            }
        }
    }
}
