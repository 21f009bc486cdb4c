using BlazorMood.Hosting.KeyRing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorMood.Web.Tests.KeyRing;

/// <summary>
/// Two nodes that start at the same moment on an empty shared key folder (compose's web1 and web2 on a fresh volume)
/// must end with one key that both use; without the lock each would create and use its own.
/// </summary>
public sealed class FirstKeyCreationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-keyring-").FullName;

    [Fact]
    public async Task Nodes_starting_together_on_an_empty_folder_share_one_first_key()
    {
        // Several pairs, each in its own empty folder: one pair could miss the race by luck.
        for (var pair = 0; pair < 6; pair++)
        {
            var folder = Path.Combine(_root, $"pair{pair}", "keys");
            await using var a = Node(folder);
            await using var b = Node(folder);
            using var start = new Barrier(2);
            await Task.WhenAll(
                Task.Run(() => StartAsNodeDoes(a, start)),
                Task.Run(() => StartAsNodeDoes(b, start)));

            Assert.Single(Directory.GetFiles(folder, "key-*.xml"));
            var ringA = a.GetRequiredService<IKeyRingProvider>().GetCurrentKeyRing();
            var ringB = b.GetRequiredService<IKeyRingProvider>().GetCurrentKeyRing();
            Assert.Equal(ringA.DefaultKeyId, ringB.DefaultKeyId);
            var sealedByA = a.GetDataProtector("test").Protect("signed in");
            Assert.Equal("signed in", b.GetDataProtector("test").Unprotect(sealedByA));
        }
    }

    [Fact]
    public async Task A_node_starting_on_a_folder_with_a_usable_key_adds_none()
    {
        var folder = Path.Combine(_root, "keys");
        await using (var first = Node(folder))
        {
            await StartAsNodeDoes(first, start: null);
        }
        var before = Directory.GetFiles(folder, "key-*.xml");
        await using var second = Node(folder);
        await StartAsNodeDoes(second, start: null);

        Assert.Single(before);
        Assert.Equal(before, Directory.GetFiles(folder, "key-*.xml"));
        Assert.True(File.Exists(Path.Combine(folder, FirstKeyCreation.LockFileName)));
    }

    /// <summary>What the host does at start: every lifecycle service's StartingAsync, then each StartAsync in order.</summary>
    private static async Task StartAsNodeDoes(ServiceProvider node, Barrier? start)
    {
        var hosted = node.GetServices<IHostedService>().ToList();
        start?.SignalAndWait();
        foreach (var lifecycle in hosted.OfType<IHostedLifecycleService>())
        {
            await lifecycle.StartingAsync(CancellationToken.None);
        }
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }
        // Data Protection's own hosted service loads the ring; reading it here makes sure of it either way.
        _ = node.GetRequiredService<IKeyRingProvider>().GetCurrentKeyRing();
    }

    private static ServiceProvider Node(string folder)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DataProtection:KeysPath"] = folder })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Logging.ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddSharedKeyRing(configuration, new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        return services.BuildServiceProvider();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
