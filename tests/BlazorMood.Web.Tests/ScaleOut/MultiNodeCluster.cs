using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlazorMood.Data;
using BlazorMood.TestSupport;
using BlazorMood.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// Issue 8's deployment, run natively: one PostgreSQL database, one Redis (a channel prefix of its own), one shared
/// folder (uploads, outputs, Data Protection keys), two web nodes A and B and a worker W1 — separate OS processes
/// started at the same time (all migrate the database and seed the administrator at once, as compose starts them).
/// Settings are docker/compose.yaml's own (<see cref="ComposeEnvironment"/>): each node gets its service's rendered
/// environment with only the Compose-only hosts, /data, the admin and the ports mapped to this machine, plus a few
/// test-only overrides (short leases so a dead worker's job is reclaimed in seconds).
/// </summary>
public sealed class MultiNodeCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);

    private readonly List<NodeProcess> _nodes = [];
    private readonly string _runId = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..12];
    private readonly bool _withWorker;
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

    /// <summary>The cluster the multi-node collection shares: A, B and the worker W1.</summary>
    public MultiNodeCluster()
        : this(withWorker: true)
    {
    }

    private MultiNodeCluster(bool withWorker) => _withWorker = withWorker;

    /// <summary>Text added to every title of the shared library's happy playlist: a track naming it came from <see cref="MusicLibraryPath"/>.</summary>
    public string SharedLibraryMarker => $"[shared {_runId}]";

    /// <summary>compose's /data/playlists, mapped into <see cref="SharedFolder"/>.</summary>
    public string MusicLibraryPath => Path.Combine(SharedFolder, "playlists");

    /// <summary>The nodes started so far (some may have been killed by a test).</summary>
    public IReadOnlyList<NodeProcess> Nodes
    {
        get
        {
            lock (_nodes)
            {
                return [.. _nodes];
            }
        }
    }

    /// <summary>Two web nodes A and B without a worker, for a test that stops one of them (it cannot share the collection's cluster).</summary>
    public static async Task<MultiNodeCluster> StartWebPairAsync()
    {
        var cluster = new MultiNodeCluster(withWorker: false);
        await cluster.InitializeAsync();
        return cluster;
    }

    public async Task InitializeAsync()
    {
        _database = await TestServices.CreatePostgresDatabaseAsync();
        // Fail here, with the instructions, when Redis is not started (rather than in three node logs).
        _ = TestServices.Redis;
        try
        {
            SeedMusicLibrary();
            A = StartNode("A", "web");
            B = StartNode("B", "web");
            if (_withWorker)
            {
                W1 = StartNode("W1", "worker");
            }
            await Task.WhenAll(_nodes.Select(n => n.WaitReadyAsync(StartTimeout)));
        }
        catch
        {
            // A fixture that failed to start is not disposed by every runner: no node may outlive it.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more node of this cluster (stopped with the others): web nodes get compose's web1 (A) or web2 (B)
    /// environment, workers its worker environment, each unchanged except where a native run must differ.
    /// </summary>
    public NodeProcess StartNode(string name, string role)
    {
        var service = role == "worker" ? "worker" : name == "B" ? "web2" : "web1";
        var settings = NativeSettings(service, ComposeEnvironment.Of(service));
        if (settings["Node:Role"] != role)
        {
            throw new InvalidOperationException($"{ComposeEnvironment.ComposeFile}: {service} has Node__Role {settings["Node:Role"]}, not {role}");
        }

        // Test-only overrides, not in compose: a unique Redis channel prefix (other test runs share the Redis), a
        // node name the tests can recognise in worker ids, short leases so a killed worker's job is reclaimed in
        // seconds, the CPU execution provider, no background measuring of the music library (it would only load the
        // two cores), no rate limits (every request comes from 127.0.0.1), quieter framework logs.
        settings["Redis:ChannelPrefix"] = "bm-multinode-" + _runId;
        settings["VideoJobs:NodeName"] = NodeName(name);
        settings["VideoJobs:LeaseDuration"] = "00:00:04";
        settings["VideoJobs:HeartbeatInterval"] = "00:00:00.500";
        settings["VideoJobs:SweepInterval"] = "00:00:01";
        settings["Vision:ExecutionProvider"] = "Cpu";
        settings["Data:Music:AnalyzeInBackground"] = "false";
        settings["RateLimits:AccountForms:PermitLimit"] = "10000";
        settings["RateLimits:VideoUploads:PermitLimit"] = "10000";
        settings["RateLimits:EmotionApi:PermitLimit"] = "10000";
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Logging:LogLevel:BlazorMood"] = "Information";

        // A worker is the worker host (BlazorMood.Worker), as in compose; web nodes are the web host.
        var node = NodeProcess.Start(name, settings, role == "worker" ? NodeProcess.WorkerDll : NodeProcess.WebDll);
        lock (_nodes)
        {
            _nodes.Add(node);
        }
        return node;
    }

    /// <summary>
    /// A compose service's environment (Section__Key) as app settings, with what only exists inside Compose mapped to
    /// this machine: the <c>postgres</c> host to the test PostgreSQL (this cluster's fresh database), <c>redis:6379</c>
    /// to the test Redis, the <c>/data</c> volume to <see cref="SharedFolder"/>, the first admin to this cluster's.
    /// Every other key reaches the node as compose writes it.
    /// </summary>
    private Dictionary<string, string> NativeSettings(string service, IReadOnlyDictionary<string, string> environment)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in environment)
        {
            settings[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        string Require(string key) => settings.TryGetValue(key, out var v)
            ? v
            : throw new InvalidOperationException($"{ComposeEnvironment.ComposeFile}: {service} does not set {key.Replace(":", "__", StringComparison.Ordinal)}");

        var postgres = new NpgsqlConnectionStringBuilder(Require("ConnectionStrings:Postgres"));
        if (postgres.Host != "postgres" || postgres.Port != 5432)
        {
            throw new InvalidOperationException($"{ComposeEnvironment.ComposeFile}: {service}'s ConnectionStrings__Postgres is not on postgres:5432");
        }
        var test = new NpgsqlConnectionStringBuilder(ConnectionString);
        postgres.Host = test.Host;
        postgres.Port = test.Port;
        postgres.Database = test.Database;
        postgres.Username = test.Username;
        postgres.Password = test.Password;
        settings["ConnectionStrings:Postgres"] = postgres.ConnectionString;

        if (Require("Redis:Configuration") != "redis:6379")
        {
            throw new InvalidOperationException($"{ComposeEnvironment.ComposeFile}: {service}'s Redis__Configuration is not redis:6379");
        }
        settings["Redis:Configuration"] = TestServices.Redis;

        foreach (var key in settings.Keys.ToList())
        {
            var value = settings[key];
            if (value == "/data" || value.StartsWith("/data/", StringComparison.Ordinal))
            {
                settings[key] = SharedFolder + value["/data".Length..];
            }
        }

        _ = Require("Admin:Email");
        _ = Require("Admin:Password");
        settings["Admin:Email"] = AdminEmail;
        settings["Admin:Password"] = AdminPassword;
        return settings;
    }

    /// <summary>
    /// The image copies the repository's playlists/ into /data/playlists (docker/Dockerfile); the same here into the
    /// shared folder. The copy's happy titles get <see cref="SharedLibraryMarker"/> so a test can tell it from the
    /// repository's library (which a node would read if Music__LibraryPath did not reach it).
    /// </summary>
    private void SeedMusicLibrary()
    {
        var source = Path.Combine(TestAssets.RepoRoot, "playlists");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(MusicLibraryPath, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var metadataPath = Path.Combine(MusicLibraryPath, "emotion_happy", "metadata.json");
        var metadata = JsonNode.Parse(File.ReadAllText(metadataPath))!.AsArray();
        foreach (var track in metadata)
        {
            track!["title"] = $"{track["title"]!.GetValue<string>()} {SharedLibraryMarker}";
        }
        File.WriteAllText(metadataPath, metadata.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
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
