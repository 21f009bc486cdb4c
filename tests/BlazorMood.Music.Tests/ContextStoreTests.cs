using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Tests;

public sealed class ContextStoreTests
{
    [Fact]
    public void Keeps_the_newest_observation_per_kind_and_user()
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var store = new InMemoryContextStore(Options.Create(new MusicOptions()), new ManualTime(now));
        var changes = new List<string>();
        store.Changed += (_, user) => changes.Add(user);

        store.Report("u1", new EmotionObservation("happy", 0.9, now));
        store.Report("u1", new EmotionObservation("sad", 0.9, now.AddSeconds(-1))); // late arrival, older
        store.Report("u1", new ActivityObservation("running", 0.8, 158, now));
        store.Report("u2", new EmotionObservation("fear", 0.5, now));

        Assert.Equal("happy", store.Get("u1").LastEmotion!.Label);
        Assert.Equal(158, store.Get("u1").LastActivity!.CadenceSpm);
        Assert.Equal("fear", store.Get("u2").LastEmotion!.Label);
        Assert.Same(ListeningContext.Empty, store.Get("nobody"));
        Assert.Equal(["u1", "u1", "u1", "u2"], changes);
    }

    [Fact]
    public void Is_bounded_in_users()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var options = new MusicOptions();
        options.Recommender.MaxUsers = 3;
        var store = new InMemoryContextStore(Options.Create(options), time);
        for (var i = 0; i < 10; i++)
        {
            time.Now = time.Now.AddSeconds(1);
            store.Report($"u{i}", new EmotionObservation("happy", 1, time.Now));
        }
        Assert.Same(ListeningContext.Empty, store.Get("u0"));
        Assert.NotSame(ListeningContext.Empty, store.Get("u9"));
    }
}
