using BlazorMood.Web.Components.Pages.Home.Live;
using Microsoft.Extensions.Time.Testing;

namespace BlazorMood.Web.Tests.Components;

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
