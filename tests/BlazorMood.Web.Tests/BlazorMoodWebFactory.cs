using System.Net.Http.Headers;
using BlazorMood.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Web.Tests;

/// <summary>
/// The real host with the real models, in memory. Shared by the tests of a class through IClassFixture.
/// It seeds three accounts (User, Kiosk, Admin) when the host starts, and <see cref="WebApplicationFactory{T}.CreateClient()"/>
/// clients send the User account's API token; <see cref="CreateAnonymousClient"/> sends none.
/// </summary>
public class BlazorMoodWebFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly bool _seedAccounts;
    private (TestAccount User, TestAccount Kiosk, TestAccount Admin)? _accounts;

    public BlazorMoodWebFactory()
        : this(null)
    {
    }

    /// <summary>
    /// A host with extra settings (they win over the defaults below); <paramref name="databasePath"/> to reuse a
    /// database; <paramref name="seedAccounts"/> false for a host with no accounts but what the app itself creates.
    /// </summary>
    internal BlazorMoodWebFactory(IReadOnlyDictionary<string, string?>? settings, string? databasePath = null, bool seedAccounts = true)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _seedAccounts = seedAccounts;
        // Each factory gets its own database (and video storage) so test classes never share (or leave behind) rows.
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), "blazormood-tests", Guid.NewGuid().ToString("n"), "web-tests.db");
    }

    public string DatabasePath { get; }

    /// <summary>Uploaded videos of this host (next to its database, never under the repository's data/).</summary>
    public string VideoStoragePath => Path.Combine(Path.GetDirectoryName(DatabasePath)!, "videos");

    /// <summary>Role User: the account of <see cref="WebApplicationFactory{T}.CreateClient()"/>.</summary>
    public TestAccount User => Accounts.User;

    public TestAccount Kiosk => Accounts.Kiosk;

    public TestAccount Admin => Accounts.Admin;

    private (TestAccount User, TestAccount Kiosk, TestAccount Admin) Accounts
    {
        get
        {
            _ = Services; // starts the host, which seeds the accounts
            return _accounts ?? throw new InvalidOperationException("The test accounts were not seeded.");
        }
    }

    /// <summary>A fresh account of its own (data isolation between tests).</summary>
    public Task<TestAccount> CreateAccountAsync(string role = BlazorMood.Accounts.Roles.User, string? name = null) =>
        TestAccounts.CreateAsync(Services, role, name);

    /// <summary>A client that sends no credentials at all.</summary>
    public HttpClient CreateAnonymousClient(WebApplicationFactoryClientOptions? options = null)
    {
        var client = CreateClient(options ?? new WebApplicationFactoryClientOptions());
        client.DefaultRequestHeaders.Authorization = null;
        return client;
    }

    /// <summary>A client that sends <paramref name="account"/>'s API token.</summary>
    public HttpClient CreateClientFor(TestAccount account, WebApplicationFactoryClientOptions? options = null) =>
        account.Authorize(CreateAnonymousClient(options));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Data:DatabasePath", DatabasePath);
        builder.UseSetting("VideoJobs:StoragePath", VideoStoragePath);
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(Path.GetDirectoryName(DatabasePath)!, "keys"));
        // The suite sends many requests as one account from one address; the rate-limit tests set their own limits.
        builder.UseSetting("RateLimits:AccountForms:PermitLimit", "100000");
        builder.UseSetting("RateLimits:VideoUploads:PermitLimit", "100000");
        builder.UseSetting("RateLimits:EmotionApi:PermitLimit", "100000");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (_seedAccounts)
        {
            _accounts = TestAccounts.SeedAsync(host.Services).GetAwaiter().GetResult();
        }
        return host;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (_accounts is { } accounts)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accounts.User.Token);
        }
    }
}
