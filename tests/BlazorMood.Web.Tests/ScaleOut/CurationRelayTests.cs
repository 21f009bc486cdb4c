using System.Collections.Concurrent;
using BlazorMood.Music;
using BlazorMood.Music.Curation;
using BlazorMood.TestSupport;
using BlazorMood.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BlazorMood.Web.Tests.ScaleOut;

/// <summary>
/// "Curation changed" between two nodes' <see cref="CurationStore"/>s on one library folder (the shared volume) and the
/// real Redis of scripts/start-test-services.sh. The file poll is off in these stores, so only the Redis message can
/// make node B read the file again: an admin's ban and pin saved on node A are B's current curation within moments.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "MultiNode")]
public sealed class CurationRelayTests : IAsyncLifetime
{
    private readonly string _library = Path.Combine(Path.GetTempPath(), "bm-curation-relay-" + Guid.NewGuid().ToString("N"));
    private readonly RedisTestNodes _nodes = new();
    private readonly List<IDisposable> _stores = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_library);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }
        await _nodes.CloseAllAsync();
        Directory.Delete(_library, recursive: true);
    }

    /// <summary>A node's store on the shared library, without the file poll (<paramref name="poll"/> zero).</summary>
    private async Task<CurationStore> NodeAsync(bool withRedis = true)
    {
        var music = Options.Create(new MusicOptions { LibraryPath = _library });
        var curation = Options.Create(new CurationOptions { ExternalChangePollInterval = TimeSpan.Zero });
        if (!withRedis)
        {
            var alone = new CurationStore(music, curation, TimeProvider.System, NullLogger<CurationStore>.Instance);
            _stores.Add(alone);
            return alone;
        }
        var node = await _nodes.StartNodeAsync(s => s.AddCurationEvents().AddSingleton(music).AddSingleton(curation).AddSingleton(TimeProvider.System).AddSingleton<CurationStore>());
        return node.GetRequiredService<CurationStore>();
    }

    [Fact]
    public async Task A_ban_and_pin_saved_on_node_A_are_node_Bs_curation_at_once_and_A_does_not_reload_its_own_change()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        // Both have read the (absent) file: B would keep its empty state forever without being told.
        Assert.Empty(a.Current.BannedPaths);
        Assert.Empty(b.Current.BannedPaths);
        var changesOnA = new ConcurrentQueue<CurationSnapshot>();
        var changesOnB = new ConcurrentQueue<CurationSnapshot>();
        a.Changed += (_, s) => changesOnA.Enqueue(s);
        b.Changed += (_, s) => changesOnB.Enqueue(s);

        await a.UpdateAsync(d => d.BannedPaths.Add("emotion_happy/happy-03.opus"), CancellationToken.None);
        await RedisTestNodes.WaitForAsync(() => b.Current.BannedPaths.Contains("emotion_happy/happy-03.opus"));
        Assert.True(b.Current.BannedPaths.Contains("emotion_happy/happy-03.opus"), "B never read the ban A saved.");

        await a.UpdateAsync(d => { d.PinnedPlaylist = "gym_floor"; return true; }, CancellationToken.None);
        await RedisTestNodes.WaitForAsync(() => b.Current.PinnedPlaylist == "gym_floor");
        Assert.Equal("gym_floor", b.Current.PinnedPlaylist);
        Assert.True(b.Current.BannedPaths.Contains("emotion_happy/happy-03.opus"), "B never read the ban A saved.");

        // Room for an echo (A reloading its own change) or a second delivery to show up, were there one.
        await Task.Delay(300);
        Assert.Equal(2, changesOnA.Count);
        Assert.Equal(2, changesOnB.Count);
        Assert.Equal("gym_floor", changesOnB.Last().PinnedPlaylist);
    }

    [Fact]
    public async Task An_explicit_reload_on_one_node_after_a_hand_edit_makes_the_other_node_read_the_file_too()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        // The hand edit is made through a third, unconnected store (it writes the same file format an editor would keep).
        var editor = await NodeAsync(withRedis: false);
        Assert.Null(b.Current.PinnedPlaylist);
        await editor.UpdateAsync(d => { d.PinnedPlaylist = "deep_focus"; return true; }, CancellationToken.None);
        await Task.Delay(300);
        Assert.Null(b.Current.PinnedPlaylist);

        await a.ReloadAsync(CancellationToken.None);

        await RedisTestNodes.WaitForAsync(() => b.Current.PinnedPlaylist == "deep_focus");
        Assert.Equal("deep_focus", b.Current.PinnedPlaylist);
    }

    [Fact]
    public void With_Redis_configured_the_scale_out_bridges_the_curation_store()
    {
        using var provider = RedisTestNodes.ScaleOutServices(s => s.AddCurationEvents());

        Assert.Single(provider.GetServices<ICurationChangeRelay>());
        Assert.True(provider.GetRequiredService<IEventTransport>().Carries(typeof(CurationChanged)));
    }
}
