using System.Globalization;
using System.Security.Cryptography;
using BlazorMood.Data;
using BlazorMood.TestSupport;
using BlazorMood.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// Issue 8's deployment, run natively: one PostgreSQL database, one Redis (a channel prefix of its own), one shared
/// folder (uploads, outputs, Data Protection keys), two web nodes A and B and a worker W1 — separate OS processes
/// started at the same time (all migrate the database and seed the administrator at once, as compose starts them).
/// Settings are the ones docker/compose.yaml sets, with short leases so a dead worker's job is reclaimed in seconds.
/// </summary>
public sealed class MultiNodeCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);

    private readonly List<NodeProcess> _nodes = [];
    private readonly string _runId = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..12];
    private PostgresTestDatabase? _database;

    public string AdminEmail { get; } = "admin@multinode.invalid";

    public string AdminPassword { get; } = "Multi-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)) + "-A1";

    /// <summary>The folder every node shares (compose's /data volume).</summary>
    public string SharedFolder { get; } = Directory.CreateTempSubdirectory("blazormood-multinode-").FullName;

    public string VideoStoragePath => Path.Combine(SharedFolder, "videos");

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("not started");

    public NodeProcess A { get; private set; } = null!;

    public NodeProcess B { get; private set; } = null!;

    public NodeProcess W1 { get; private set; } = null!;

    /// <summary>The <c>VideoJobs:NodeName</c> of a node; worker ids are "name/slot".</summary>
    public string NodeName(string node) => $"{node.ToLowerInvariant()}-{_runId}";

    public async Task InitializeAsync()
    {
        _database = await TestServices.CreatePostgresDatabaseAsync();
        // Fail here, with the instructions, when Redis is not started (rather than in three node logs).
        _ = TestServices.Redis;
        try
        {
            A = StartNode("A", "web");
            B = StartNode("B", "web");
            W1 = StartNode("W1", "worker");
            await Task.WhenAll(_nodes.Select(n => n.WaitReadyAsync(StartTimeout)));
        }
        catch
        {
            // A fixture that failed to start is not disposed by every runner: no node may outlive it.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more node of this cluster (stopped with the others).</summary>
    public NodeProcess StartNode(string name, string role)
    {
        var settings = new Dictionary<string, string>
        {
            ["Node:Role"] = role,
            ["Data:Provider"] = "Postgres",
            ["Data:PostgresConnectionString"] = ConnectionString,
            // Measuring the music library is not what these tests are about; it would only load the two cores.
            ["Data:Music:AnalyzeInBackground"] = "false",
            ["Redis:Configuration"] = TestServices.Redis,
            ["Redis:ChannelPrefix"] = "bm-multinode-" + _runId,
            ["VideoJobs:StoragePath"] = VideoStoragePath,
            ["DataProtection:KeysPath"] = Path.Combine(SharedFolder, "keys"),
            ["VideoJobs:NodeName"] = NodeName(name),
            ["VideoJobs:LeaseDuration"] = "00:00:04",
            ["VideoJobs:HeartbeatInterval"] = "00:00:00.500",
            ["VideoJobs:SweepInterval"] = "00:00:01",
            ["VideoJobs:PollInterval"] = "00:00:00.500",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            ["Vision:ExecutionProvider"] = "Cpu",
            ["RateLimits:AccountForms:PermitLimit"] = "10000",
            ["RateLimits:VideoUploads:PermitLimit"] = "10000",
            ["RateLimits:EmotionApi:PermitLimit"] = "10000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:BlazorMood"] = "Information",
        };
        var node = NodeProcess.Start(name, settings);
        lock (_nodes)
        {
            _nodes.Add(node);
        }
        return node;
    }

    /// <summary>Every node's output, for a failure message.</summary>
    public string Output()
    {
        lock (_nodes)
        {
            return string.Join(Environment.NewLine, _nodes.Select(n => n.Output()));
        }
    }

    /// <summary>A short-lived context on the shared database (the tests check rows no API shows, e.g. worker ids).</summary>
    public BlazorMoodDbContext OpenDatabase()
    {
        var builder = new DbContextOptionsBuilder<BlazorMoodDbContext>();
        DataServiceCollectionExtensions.Configure(builder, new DataOptions { Provider = DatabaseProvider.Postgres, PostgresConnectionString = ConnectionString }, TestAssets.RepoRoot);
        return new BlazorMoodDbContext(builder.Options);
    }

    /// <summary>Creates an API token of the administrator, the way the Tokens page does (stored hashed in the shared database).</summary>
    public async Task<(string UserId, string Token)> CreateAdminTokenAsync()
    {
        string userId;
        await using (var db = OpenDatabase())
        {
            var normalized = AdminEmail.ToUpperInvariant();
            userId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleAsync();
        }
        var tokens = new ApiTokenService(new ContextFactory(this), Options.Create(new AccountOptions()), TimeProvider.System, NullLogger<ApiTokenService>.Instance);
        var created = await tokens.CreateAsync(userId, "multi-node test", TimeSpan.FromHours(1), CancellationToken.None);
        return (userId, created.Token);
    }

    public async Task DisposeAsync()
    {
        List<NodeProcess> nodes;
        lock (_nodes)
        {
            nodes = [.. _nodes];
        }
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        try
        {
            Directory.Delete(SharedFolder, recursive: true);
        }
        catch (IOException)
        {
            // a file still being released; the temp folder is cleaned eventually
        }
    }

    private sealed class ContextFactory(MultiNodeCluster cluster) : IDbContextFactory<BlazorMoodDbContext>
    {
        public BlazorMoodDbContext CreateDbContext() => cluster.OpenDatabase();
    }
}
