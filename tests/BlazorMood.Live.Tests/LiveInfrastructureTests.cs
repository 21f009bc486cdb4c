using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using BlazorMood.Events;
using BlazorMood.Live;

namespace BlazorMood.Live.Tests;

public sealed class FrameRateGateTests
{
    [Fact]
    public void Lets_a_burst_through_then_one_frame_per_interval()
    {
        var time = new FakeTimeProvider();
        var gate = new FrameRateGate(maxFps: 10, burst: 2, time);

        Assert.True(gate.TryPass());
        Assert.True(gate.TryPass());
        Assert.False(gate.TryPass());
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.False(gate.TryPass());
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(gate.TryPass());
        Assert.False(gate.TryPass());
    }

    [Fact]
    public void A_long_pause_saves_up_no_more_than_the_burst()
    {
        var time = new FakeTimeProvider();
        var gate = new FrameRateGate(maxFps: 15, burst: 2, time);
        gate.TryPass();
        gate.TryPass();

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => gate.TryPass()));
    }
}

public sealed class LiveMoodNotifierTests
{
    private static LiveUpdate Change(string session, string label) =>
        new(session, null, new DominantEmotionChanged(session, label, 0.8f, 1, DateTimeOffset.UnixEpoch));

    [Fact]
    public async Task Delivers_only_the_subscribed_sessions_updates_in_order_until_disposed()
    {
        var notifier = new LiveMoodNotifier(new EventBus(NullLogger<EventBus>.Instance));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var subscription = notifier.Subscribe("a", u => { seen.Enqueue(u.Change!.Label); return Task.CompletedTask; });
        Assert.Equal(1, notifier.SubscriberCount("a"));

        notifier.Publish(Change("a", "happy"));
        notifier.Publish(Change("b", "sad"));
        notifier.Publish(Change("a", "neutral"));
        await Eventually(() => seen.Count >= 2);
        subscription.Dispose();
        notifier.Publish(Change("a", "fear"));
        await Task.Delay(100);

        Assert.Equal(["happy", "neutral"], seen);
        Assert.Equal(0, notifier.SubscriberCount("a"));
    }

    [Fact]
    public void An_inline_subscriber_has_the_update_before_publish_returns()
    {
        var notifier = new LiveMoodNotifier(new EventBus(NullLogger<EventBus>.Instance));
        var seen = new List<string>();
        using var subscription = notifier.SubscribeAll(u => { seen.Add(u.Change!.Label); return Task.CompletedTask; }, EventDelivery.Inline);

        notifier.Publish(Change("a", "happy"));
        notifier.Publish(Change("b", "sad"));

        Assert.Equal(["happy", "sad"], seen);
    }

    [Fact]
    public async Task A_failing_handler_neither_reaches_the_publisher_nor_stops_other_subscribers()
    {
        var notifier = new LiveMoodNotifier(new EventBus(NullLogger<EventBus>.Instance));
        var delivered = 0;
        var badCalls = 0;
        using var bad = notifier.Subscribe("a", _ => { Interlocked.Increment(ref badCalls); throw new InvalidOperationException("boom"); });
        using var badInline = notifier.Subscribe("a", _ => throw new InvalidOperationException("boom"), EventDelivery.Inline);
        using var good = notifier.Subscribe("a", _ => { Interlocked.Increment(ref delivered); return Task.CompletedTask; });

        notifier.Publish(Change("a", "happy"));
        notifier.Publish(Change("a", "sad"));

        await Eventually(() => Volatile.Read(ref delivered) >= 2 && Volatile.Read(ref badCalls) >= 2);
        // The failing subscriber keeps getting the next update too.
        Assert.Equal(2, delivered);
        Assert.Equal(2, badCalls);
    }

    private static async Task Eventually(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}

public sealed class LiveSessionTests
{
    [Theory]
    [InlineData("9a5df912d3ea7631b12a58d983a57be0", true)]
    [InlineData("abc-DEF_1", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("has space", false)]
    [InlineData("semi;colon", false)]
    public void Accepts_only_short_url_safe_ids(string? id, bool valid) => Assert.Equal(valid, LiveSession.IsValid(id));

    [Fact]
    public void New_ids_are_random_and_valid()
    {
        var a = LiveSession.NewId();
        Assert.True(LiveSession.IsValid(a));
        Assert.NotEqual(a, LiveSession.NewId());
    }
}
