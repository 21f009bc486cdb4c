using BlazorMood.Web.Kiosk;
using BlazorMood.Web.ScaleOut;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace BlazorMood.Web.Tests.Kiosk;

/// <summary>
/// Pairing codes kept in this process (a single node): the shared behaviour (<see cref="KioskPairingBehaviour"/>),
/// how codes are read as typed, and which store the app registers with and without Redis.
/// </summary>
public sealed class KioskPairingTests : KioskPairingBehaviour
{
    protected override KioskPairing NewPairing() => new(new InMemoryKioskPairingStore(), Time, NullLogger<KioskPairing>.Instance);

    [Theory]
    [InlineData("k7m 3qx", "K7M3QX")]
    [InlineData("K7M-3QX", "K7M3QX")]
    [InlineData("K0M3QX", null)] // 0 is never in a code
    [InlineData("K7M3Q", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Codes_are_read_as_typed(string? typed, string? expected) => Assert.Equal(expected, KioskPairing.Normalize(typed));

    [Fact]
    public void A_single_node_keeps_codes_in_memory_and_opens_no_Redis_connection()
    {
        var services = new ServiceCollection();
        services.AddKioskPairing(new ConfigurationBuilder().Build());

        Assert.Contains(services, d => d.ServiceType == typeof(IKioskPairingStore) && d.ImplementationType == typeof(InMemoryKioskPairingStore));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IConnectionMultiplexer));
    }

    [Fact]
    public void With_Redis_configured_codes_live_in_Redis_through_the_nodes_one_connection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = "127.0.0.1:6379", // never connected: no provider is built
        }).Build();
        var services = new ServiceCollection();
        services.AddRedisScaleOut(configuration, services.AddSignalR());
        services.AddKioskPairing(configuration);

        Assert.Contains(services, d => d.ServiceType == typeof(IKioskPairingStore) && d.ImplementationType == typeof(RedisKioskPairingStore));
        Assert.Single(services, d => d.ServiceType == typeof(IConnectionMultiplexer));
    }
}
