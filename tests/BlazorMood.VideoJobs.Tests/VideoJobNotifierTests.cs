using BlazorMood.Video;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using BlazorMood.VideoJobs;
using BlazorMood.Events;
using BlazorMood.Data.Videos;

namespace BlazorMood.VideoJobs.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class VideoJobNotifierTests
{
    private static VideoJobDto Job(Guid id, VideoJobStatus status, double progress) => new(
        id, "clip.mp4", status, progress, status == VideoJobStatus.Running ? "pose" : null, [], null, null, 2, [], [], null, 1,
        DateTimeOffset.UnixEpoch, null, false);

    [Fact]
    public async Task Progress_of_a_job_goes_out_at_most_four_times_a_second_and_the_final_state_always()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var notifier = new VideoJobNotifier(Microsoft.Extensions.Options.Options.Create(new VideoOptions { MaxProgressPerSecond = 4 }), clock, new EventBus(NullLogger<EventBus>.Instance));
        var received = new List<VideoJobDto>();
        var other = new List<VideoJobDto>();
        using var mine = notifier.Subscribe("me", j => { lock (received) { received.Add(j); } return Task.CompletedTask; });
        using var theirs = notifier.Subscribe("them", j => { lock (other) { other.Add(j); } return Task.CompletedTask; });
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        Assert.True(notifier.Publish("me", Job(a, VideoJobStatus.Queued, 0)));
        Assert.True(notifier.Publish("me", Job(a, VideoJobStatus.Running, 0))); // a change of status always goes out
        for (var i = 1; i <= 10; i++)
        {
            notifier.Publish("me", Job(a, VideoJobStatus.Running, i / 100.0)); // same instant: all dropped
        }
        Assert.True(notifier.Publish("me", Job(b, VideoJobStatus.Running, 0.5))); // throttling is per job
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(notifier.Publish("me", Job(a, VideoJobStatus.Running, 0.2)));
        clock.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(notifier.Publish("me", Job(a, VideoJobStatus.Running, 0.3)));
        Assert.True(notifier.Publish("me", Job(a, VideoJobStatus.Succeeded, 1))); // final: never dropped
        Assert.True(notifier.Publish("me", Job(b, VideoJobStatus.Cancelled, 0.5)));
        // Each subscriber reads its own queue: wait until the owner's has been delivered.
        await Eventually(() => { lock (received) { return received.Count >= 6; } });

        lock (received)
        {
            Assert.Equal(
                [(a, VideoJobStatus.Queued, 0.0), (a, VideoJobStatus.Running, 0.0), (b, VideoJobStatus.Running, 0.5), (a, VideoJobStatus.Running, 0.3), (a, VideoJobStatus.Succeeded, 1.0), (b, VideoJobStatus.Cancelled, 0.5)],
                received.Select(j => (j.Id, j.Status, j.Progress)));
        }
        Assert.Empty(other); // only the owner's subscribers hear of the owner's jobs

        mine.Dispose();
        Assert.Equal(0, notifier.SubscriberCount("me"));
        Assert.True(notifier.Publish("me", Job(Guid.NewGuid(), VideoJobStatus.Queued, 0)));
        await Task.Delay(100);
        lock (received)
        {
            Assert.Equal(6, received.Count);
        }
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_stop_the_others()
    {
        var notifier = new VideoJobNotifier(Microsoft.Extensions.Options.Options.Create(new VideoOptions()), TimeProvider.System, new EventBus(NullLogger<EventBus>.Instance));
        var received = 0;
        using var bad = notifier.Subscribe("me", _ => throw new InvalidOperationException("boom"));
        using var good = notifier.Subscribe("me", _ => { Interlocked.Increment(ref received); return Task.CompletedTask; });

        notifier.Publish("me", Job(Guid.NewGuid(), VideoJobStatus.Queued, 0));
        notifier.Publish("me", Job(Guid.NewGuid(), VideoJobStatus.Queued, 0));

        await Eventually(() => Volatile.Read(ref received) >= 2);
        Assert.Equal(2, received);
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

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class VideoStorageTests
{
    [Theory]
    [InlineData("clip.mp4", "clip.mp4")]
    [InlineData("C:\\Users\\me\\Videos\\run.mov", "run.mov")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a\u0000b\u0007c.mp4", "abc.mp4")]
    [InlineData("evil\u202Egnp.exe", "evilgnp.exe")]
    [InlineData("   ", "video")]
    [InlineData(null, "video")]
    [InlineData("line\nbreak.mp4", "linebreak.mp4")]
    public void Client_file_names_are_only_cleaned_for_display(string? input, string expected) =>
        Assert.Equal(expected, VideoStorage.DisplayName(input));

    [Fact]
    public void Long_names_are_shortened_keeping_the_extension()
    {
        var name = VideoStorage.DisplayName(new string('x', 500) + ".mp4", 40);
        Assert.Equal(40, name.Length);
        Assert.EndsWith("….mp4", name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("../0123456789abcdef0123456789ab", false)]
    [InlineData("", false)]
    public void Only_generated_storage_names_become_paths(string name, bool valid) => Assert.Equal(valid, VideoStorage.IsStorageName(name));
}
