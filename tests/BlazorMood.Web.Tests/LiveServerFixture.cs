using System.Net;
using System.Net.Http.Headers;
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
/// Three accounts (User, Kiosk, Admin) are seeded at start; <see cref="CreateUserClient"/> clients send an API token,
/// browsers sign in with <see cref="E2E.ChromiumSession.SignInAsync(Uri, TestAccount)"/>.
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
        (User, Kiosk, Admin) = TestAccounts.SeedAsync(Services).GetAwaiter().GetResult();
    }

    public Uri BaseAddress { get; }

    public string DatabasePath => Path.Combine(_dataDir, "live-tests.db");

    /// <summary>Role User: the default account of <see cref="CreateUserClient"/>, the hub client and browser sign-in.</summary>
    public TestAccount User { get; }

    public TestAccount Kiosk { get; }

    public TestAccount Admin { get; }

    /// <summary>A fresh account of its own (data isolation between tests).</summary>
    public Task<TestAccount> CreateAccountAsync(string role = BlazorMood.Accounts.Roles.User, string? name = null) =>
        TestAccounts.CreateAsync(Services, role, name);

    /// <summary>An HTTP client on the real socket that sends <paramref name="account"/>'s token (default: <see cref="User"/>).</summary>
    public HttpClient CreateUserClient(TestAccount? account = null, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = BaseAddress;
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (account ?? User).Token);
        return client;
    }

    /// <summary>An HTTP client on the real socket without credentials.</summary>
    public HttpClient CreateAnonymousClient(HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = BaseAddress;
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Data:DatabasePath", DatabasePath);
        builder.UseSetting("VideoJobs:StoragePath", Path.Combine(_dataDir, "videos"));
        builder.UseSetting("Vision:ExecutionProvider", "Cpu");
        builder.UseSetting("RateLimits:AccountForms:PermitLimit", "100000");
        builder.UseSetting("RateLimits:VideoUploads:PermitLimit", "100000");
        builder.UseSetting("RateLimits:EmotionApi:PermitLimit", "100000");
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
