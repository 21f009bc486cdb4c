using BlazorMood.Web.Components.Pages.Home.Live;
using BlazorMood.Web.Live;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BlazorMood.Web.Tests.Live;

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

public sealed class RenderThrottleTests
{
    [Fact]
    public void The_first_request_renders_at_once_and_a_burst_collapses_into_one_trailing_render()
    {
        var time = new FakeTimeProvider();
        var renders = 0;
        using var throttle = new RenderThrottle(TimeSpan.FromMilliseconds(100), time, () => { renders++; return Task.CompletedTask; });

        throttle.Request();
        Assert.Equal(1, renders);
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(4));
            throttle.Request();
        }
        Assert.Equal(1, renders);
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(2, renders);
    }

    [Fact]
    public void Never_more_than_ten_renders_a_second_under_a_steady_stream()
    {
        var time = new FakeTimeProvider();
        var renders = 0;
        using var throttle = new RenderThrottle(TimeSpan.FromMilliseconds(100), time, () => { renders++; return Task.CompletedTask; });

        for (var i = 0; i < 300; i++) // 30 updates a second for 10 s
        {
            throttle.Request();
            time.Advance(TimeSpan.FromMilliseconds(1000.0 / 30));
        }

        // At most 10 a second (plus the immediate first one), and still keeping up with the stream.
        Assert.InRange(renders, 60, 101);
    }

    [Fact]
    public void Nothing_renders_after_dispose()
    {
        var time = new FakeTimeProvider();
        var renders = 0;
        var throttle = new RenderThrottle(TimeSpan.FromMilliseconds(100), time, () => { renders++; return Task.CompletedTask; });
        throttle.Request();
        throttle.Request();

        throttle.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        throttle.Request();

        Assert.Equal(1, renders);
    }
}

public sealed class LiveMoodNotifierTests
{
    private static LiveUpdate Change(string session, string label) =>
        new(session, null, new DominantEmotionChanged(session, label, 0.8f, 1, DateTimeOffset.UnixEpoch));

    [Fact]
    public void Delivers_only_the_subscribed_sessions_updates_until_disposed()
    {
        var notifier = new LiveMoodNotifier(NullLogger<LiveMoodNotifier>.Instance);
        var seen = new List<string>();
        var subscription = notifier.Subscribe("a", u => { seen.Add(u.Change!.Label); return Task.CompletedTask; });

        notifier.Publish(Change("a", "happy"));
        notifier.Publish(Change("b", "sad"));
        subscription.Dispose();
        notifier.Publish(Change("a", "fear"));

        Assert.Equal(["happy"], seen);
        Assert.Equal(0, notifier.SubscriberCount("a"));
    }

    [Fact]
    public void A_failing_handler_neither_reaches_the_publisher_nor_stops_other_subscribers()
    {
        var notifier = new LiveMoodNotifier(NullLogger<LiveMoodNotifier>.Instance);
        var delivered = 0;
        using var bad = notifier.Subscribe("a", _ => throw new InvalidOperationException("boom"));
        using var good = notifier.Subscribe("a", _ => { delivered++; return Task.CompletedTask; });

        notifier.Publish(Change("a", "happy"));

        Assert.Equal(1, delivered);
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
