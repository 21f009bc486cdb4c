using System.Net;
using System.Net.Http.Headers;
using BlazorMood.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Security;

/// <summary>
/// The real app on Kestrel (real sockets: SSE streams and WebSockets behave as in production) with a throw-away
/// database, for the security probe suite. Open connections re-check their sign-in every second here, so the
/// periodic path (a revocation the process was not told about) is tested without long waits.
/// </summary>
public sealed class SecurityServerFixture : WebApplicationFactory<Program>
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "blazormood-tests", "security-" + Guid.NewGuid().ToString("n"));

    public SecurityServerFixture()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().TrimEnd('/') + "/");
    }

    public Uri BaseAddress { get; }

    public string StoragePath => Path.Combine(_dataDir, "videos");

    /// <summary>How often open connections re-check their sign-in in this host.</summary>
    public static TimeSpan RevalidationInterval { get; } = TimeSpan.FromSeconds(1);

    public Task<TestAccount> CreateAccountAsync(string role = BlazorMood.Accounts.Roles.User) => TestAccounts.CreateAsync(Services, role, "security");

    public HttpClient ClientFor(TestAccount? account)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (account is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", account.Token);
        }
        return client;
    }

    /// <summary>A browser without JavaScript on the real socket: cookies kept, redirects not followed.</summary>
    public Accounts.BrowserSession NewBrowser() => new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Data:DatabasePath", Path.Combine(_dataDir, "security-tests.db"));
        builder.UseSetting("VideoJobs:StoragePath", StoragePath);
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(_dataDir, "keys"));
        builder.UseSetting("Vision:ExecutionProvider", "Cpu");
        builder.UseSetting("Accounts:ConnectionRevalidationInterval", "00:00:01");
        // Small upload caps, so an oversize body is a few MB for every endpoint.
        builder.UseSetting("Video:MaxFileBytes", "2097152");
        builder.UseSetting("Music:Curation:MaxUploadBytes", "2097152");
        builder.UseSetting("RateLimits:AccountForms:PermitLimit", "100000");
        // The timing test tries many wrong passwords on one account; a lockout would answer it early.
        builder.UseSetting("Accounts:Lockout:MaxFailedAttempts", "100");
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
                // SQLite may still hold its WAL file a moment; the temp folder is disposable anyway.
            }
        }
    }
}
