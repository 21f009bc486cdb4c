using System.Security.Cryptography;
using System.Text;
using BlazorMood.Events;
using BlazorMood.TestSupport;
using BlazorMood.Web.Kiosk;
using BlazorMood.Web.Tests.ScaleOut;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BlazorMood.Web.Tests.Kiosk;

/// <summary>
/// Pairing codes kept in the real Redis of scripts/start-test-services.sh, as several web nodes keep them: the shared
/// behaviour (<see cref="KioskPairingBehaviour"/>, on the same fake clock: the scripts go by the time the node passes
/// in, so expiry and the sliding limits are tested without waiting; the keys' real TTLs only clean up), then two nodes
/// with their own connections on one Redis, racing nodes, and what Redis holds. Every test has its own key prefix.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "MultiNode")]
public sealed class RedisKioskPairingTests : KioskPairingBehaviour, IAsyncLifetime
{
    private readonly RedisTestNodes _nodes = new();
    private readonly List<ServiceProvider> _providers = [];
    private IConnectionMultiplexer _redis = default!;

    public async Task InitializeAsync() => _redis = await _nodes.ConnectAsync();

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        await _nodes.CloseAllAsync();
    }

    /// <summary>One key ring for the test's nodes, as a deployment shares its key ring between them.</summary>
    private readonly Microsoft.AspNetCore.DataProtection.IDataProtectionProvider _keyRing = new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider();

    protected override KioskPairing NewPairing() => new(
        new RedisKioskPairingStore(_redis, Options.Create(new RedisOptions { Configuration = TestServices.Redis, ChannelPrefix = _nodes.Prefix })),
        Time,
        NullLogger<KioskPairing>.Instance,
        _keyRing);

    /// <summary>One web node as the app registers it with Redis configured: its own connection, this test's clock.</summary>
    private KioskPairing Node()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = TestServices.Redis,
            ["Redis:ChannelPrefix"] = _nodes.Prefix,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddKioskPairing(configuration);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        Assert.IsType<RedisKioskPairingStore>(provider.GetRequiredService<IKioskPairingStore>());
        return provider.GetRequiredService<KioskPairing>();
    }

    [Fact]
    public async Task A_code_shown_by_one_node_is_entered_by_the_admin_on_another_and_the_first_hands_the_token_to_its_screen_once()
    {
        var screenNode = Node();
        var adminNode = Node();
        var screen = (await screenNode.BeginAsync("203.0.113.7"))!;
        Assert.Equal(KioskPairingState.Waiting, await screenNode.PeekAsync(screen.Secret));

        // The admin's phone reaches the other node (ip_hash on a different address).
        Assert.Equal(KioskPairingAttempt.Accepted, await adminNode.TryAsync(Admin, KioskPairing.Display(screen.Code).ToLowerInvariant()));
        Assert.True(await adminNode.CompleteAsync(screen.Code, "bmk_token"));
        Assert.False(await screenNode.CompleteAsync(screen.Code, "bmk_other")); // used, whichever node asks
        Assert.Equal(KioskPairingAttempt.Unknown, await screenNode.TryAsync("another-admin", screen.Code));

        Assert.Equal(KioskPairingState.Paired, await screenNode.PeekAsync(screen.Secret));
        Assert.Equal((KioskPairingState.Paired, screen.Code, "bmk_token"), await screenNode.CheckAsync(screen.Secret));
        Assert.Equal(KioskPairingState.Unknown, (await screenNode.CheckAsync(screen.Secret)).State); // handed over once
        Assert.Equal(KioskPairingState.Unknown, (await adminNode.CheckAsync(screen.Secret)).State);
        Assert.Equal(KioskPairingState.Unknown, await adminNode.PeekAsync(screen.Secret));
    }

    [Fact]
    public async Task The_limits_count_what_every_node_saw()
    {
        var a = Node();
        var b = Node();
        for (var i = 0; i < KioskPairing.MaxStartsPerClient; i++)
        {
            Assert.NotNull(await (i % 2 == 0 ? a : b).BeginAsync("203.0.113.7"));
        }
        Assert.Null(await a.BeginAsync("203.0.113.7"));
        Assert.Null(await b.BeginAsync("203.0.113.7"));

        var screen = (await a.BeginAsync("198.51.100.2"))!;
        for (var i = 0; i < KioskPairing.MaxFailedAttempts; i++)
        {
            Assert.Equal(KioskPairingAttempt.Unknown, await (i % 2 == 0 ? a : b).TryAsync(Admin, "AAAAAA"));
        }
        Assert.Equal(KioskPairingAttempt.TooManyAttempts, await a.TryAsync(Admin, screen.Code));
        Assert.Equal(KioskPairingAttempt.TooManyAttempts, await b.TryAsync(Admin, screen.Code));
    }

    [Fact]
    public async Task Nodes_racing_for_one_code_complete_it_once_and_hand_its_token_over_once()
    {
        var a = Node();
        var b = Node();
        var screen = (await a.BeginAsync())!;

        var completed = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? a : b).CompleteAsync(screen.Code, $"bmk_{i}").AsTask()));
        Assert.Single(completed, c => c);

        var checks = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? a : b).CheckAsync(screen.Secret).AsTask()));
        var handed = Assert.Single(checks, c => c.State == KioskPairingState.Paired);
        Assert.Equal($"bmk_{Array.IndexOf(completed, true)}", handed.Token);
        Assert.All(checks.Where(c => c.State != KioskPairingState.Paired), c => Assert.Equal(KioskPairingState.Unknown, c.State));
    }

    [Fact]
    public async Task Redis_holds_the_secrets_hash_never_the_secret_nor_the_device_token_and_every_key_expires_within_the_lifetime()
    {
        var pairing = NewPairing();
        var screen = (await pairing.BeginAsync("203.0.113.7"))!;
        await pairing.TryAsync(Admin, "AAAAAA");
        // A second screen, paired: its device token waits in Redis until that screen collects it.
        var paired = (await pairing.BeginAsync("203.0.113.8"))!;
        Assert.Equal(KioskPairingAttempt.Accepted, await pairing.TryAsync("another-admin", paired.Code));
        const string token = "bmk_device-token-that-must-not-be-readable-in-redis";
        Assert.True(await pairing.CompleteAsync(paired.Code, token));

        var keyBase = RedisKioskPairingStore.KeyBase(_nodes.Prefix);
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        var keys = server.Keys(pattern: keyBase + "*").Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();
        var secretHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(screen.Secret)));
        var pairedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(paired.Secret)));
        Assert.Equal(
            new[] { "code:" + screen.Code, "code:" + paired.Code, "failures:" + Admin, "secret:" + secretHash, "secret:" + pairedHash, "starts:203.0.113.7", "starts:203.0.113.8", "waiting" }
                .Select(k => keyBase + k).Order(StringComparer.Ordinal),
            keys);

        var db = _redis.GetDatabase();
        foreach (var key in keys)
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromMinutes(9), KioskPairing.Lifetime);
            IEnumerable<string?> stored = await db.KeyTypeAsync(key) switch
            {
                RedisType.String => [(string?)await db.StringGetAsync(key)],
                RedisType.Hash => (await db.HashGetAllAsync(key)).Select(e => (string?)e.Value),
                RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(m => (string?)m),
                var other => throw new InvalidOperationException($"Unexpected {other} at {key}"),
            };
            Assert.DoesNotContain(stored, v => v is not null && v.Contains(screen.Secret, StringComparison.Ordinal));
            Assert.DoesNotContain(stored, v => v is not null && (v.Contains(paired.Secret, StringComparison.Ordinal) || v.Contains(token, StringComparison.Ordinal)));
        }
        // The screen that shows the code still gets the token, decrypted.
        Assert.Equal((KioskPairingState.Paired, paired.Code, token), await pairing.CheckAsync(paired.Secret));
        // The stored hash still finds the screen: what the cookie's secret is checked against.
        Assert.Equal(KioskPairingState.Waiting, await pairing.PeekAsync(screen.Secret));
    }
}
