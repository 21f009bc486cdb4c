using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorMood.Events.Tests;

public sealed record Tick(string Key, int Number);

public sealed class EventBusTests
{
    private static async Task Eventually(Func<bool> done, int seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Every_subscriber_gets_the_events_of_a_type_in_publication_order_even_from_several_threads()
    {
        using var bus = new EventBus(NullLogger<EventBus>.Instance);
        var first = new ConcurrentQueue<Tick>();
        var second = new ConcurrentQueue<Tick>();
        var capacity = new EventSubscriptionOptions { Capacity = 10_000 };
        using var a = bus.Subscribe<Tick>(async (t, _) => { first.Enqueue(t); await Task.Yield(); }, options: capacity);
        using var b = bus.Subscribe<Tick>((t, _) => { second.Enqueue(t); return ValueTask.CompletedTask; }, options: capacity);

        // Four publishers at once, 1000 events each, numbered per publisher.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                bus.Publish(new Tick("p" + p, i));
            }
        })));
        await Eventually(() => first.Count == 4000 && second.Count == 4000);

        Assert.Equal(4000, first.Count);
        // Each publisher's events arrive in its order, and both subscribers saw one and the same interleaving.
        foreach (var key in new[] { "p0", "p1", "p2", "p3" })
        {
            Assert.Equal(Enumerable.Range(0, 1000), first.Where(t => t.Key == key).Select(t => t.Number));
        }
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_handler_is_never_called_twice_at_once_and_events_of_other_types_or_keys_do_not_reach_it()
    {
        using var bus = new EventBus(NullLogger<EventBus>.Instance);
        var running = 0;
        var overlapped = false;
        var seen = new ConcurrentQueue<int>();
        using var subscription = bus.Subscribe<Tick>("mine", t => t.Key, async (t, ct) =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            await Task.Delay(1, ct);
            seen.Enqueue(t.Number);
            Interlocked.Decrement(ref running);
        });
        Assert.Equal(1, bus.SubscriberCount<Tick>("mine"));
        Assert.Equal(0, bus.SubscriberCount<Tick>("theirs"));

        for (var i = 0; i < 50; i++)
        {
            bus.Publish(new Tick(i % 2 == 0 ? "mine" : "theirs", i));
            bus.Publish("not a tick");
        }
        await Eventually(() => seen.Count == 25);
        await Task.Delay(50);

        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => i * 2), seen);
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_loses_the_oldest_events_counted_and_logged_and_keeps_the_newest()
    {
        var logs = new ListLogger();
        using var bus = new EventBus(logs);
        using var release = new SemaphoreSlim(0);
        var seen = new ConcurrentQueue<int>();
        var fast = new ConcurrentQueue<int>();
        using var slow = bus.Subscribe<Tick>(async (t, ct) =>
        {
            // The first event blocks the handler until the test lets it go; the rest pile up in its queue of 10.
            if (t.Number == 0)
            {
                await release.WaitAsync(ct);
            }
            seen.Enqueue(t.Number);
        }, options: new EventSubscriptionOptions { Capacity = 10, Name = "slow" });
        using var quick = bus.Subscribe<Tick>((t, _) => { fast.Enqueue(t.Number); return ValueTask.CompletedTask; });

        bus.Publish(new Tick("k", 0));
        await Eventually(() => fast.Count == 1);
        await Task.Delay(50);
        for (var i = 1; i <= 100; i++)
        {
            bus.Publish(new Tick("k", i));
        }
        release.Release();
        await Eventually(() => seen.Count == 11 && fast.Count == 101);
        await Task.Delay(50);

        // The publisher never waited, the other subscriber lost nothing, the slow one kept the 10 newest.
        Assert.Equal(101, fast.Count);
        Assert.Equal([0, .. Enumerable.Range(91, 10)], seen);
        Assert.Equal(90, slow.Dropped);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("slow fell behind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_disconnect_policy_a_subscriber_that_falls_behind_is_ended_and_the_others_go_on()
    {
        var logs = new ListLogger();
        using var bus = new EventBus(logs);
        using var release = new SemaphoreSlim(0);
        var seen = new ConcurrentQueue<int>();
        var fast = new ConcurrentQueue<int>();
        var slow = bus.Subscribe<Tick>(async (t, ct) =>
        {
            if (t.Number == 0)
            {
                await release.WaitAsync(ct);
            }
            seen.Enqueue(t.Number);
        }, options: new EventSubscriptionOptions { Capacity = 5, Policy = SlowSubscriberPolicy.Disconnect, Name = "strict" });
        using var quick = bus.Subscribe<Tick>((t, _) => { fast.Enqueue(t.Number); return ValueTask.CompletedTask; });

        bus.Publish(new Tick("k", 0));
        await Eventually(() => fast.Count == 1);
        await Task.Delay(50);
        for (var i = 1; i <= 20; i++)
        {
            bus.Publish(new Tick("k", i));
        }
        release.Release();
        await slow.Completion.WaitAsync(TimeSpan.FromSeconds(5));
        await Eventually(() => fast.Count == 21);

        Assert.Equal(21, fast.Count);
        Assert.Equal(0, bus.SubscriberCount<Tick>("k"));
        Assert.DoesNotContain(seen, n => n > 5);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("strict fell behind", StringComparison.Ordinal) && l.Message.Contains("disconnected", StringComparison.Ordinal));
        slow.Dispose();
    }

    [Fact]
    public async Task A_failing_handler_is_logged_and_gets_the_next_event()
    {
        var logs = new ListLogger();
        using var bus = new EventBus(logs);
        var seen = new ConcurrentQueue<int>();
        using var subscription = bus.Subscribe<Tick>((t, _) =>
        {
            seen.Enqueue(t.Number);
            return t.Number == 1 ? throw new InvalidOperationException("boom") : ValueTask.CompletedTask;
        });

        bus.Publish(new Tick("k", 1));
        bus.Publish(new Tick("k", 2));
        await Eventually(() => seen.Count == 2);

        Assert.Equal([1, 2], seen);
        await Eventually(() => logs.Lines.Any(l => l.Exception is InvalidOperationException));
        Assert.Contains(logs.Lines, l => l.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Origin_filters_keep_remote_only_subscribers_away_from_local_events_and_back()
    {
        using var bus = new EventBus(NullLogger<EventBus>.Instance);
        var remote = new ConcurrentQueue<int>();
        var local = new ConcurrentQueue<int>();
        var all = new ConcurrentQueue<int>();
        using var r = bus.Subscribe<Tick>((t, _) => { remote.Enqueue(t.Number); return ValueTask.CompletedTask; }, options: new EventSubscriptionOptions { Origin = EventOrigin.Remote });
        using var l = bus.Subscribe<Tick>((t, _) => { local.Enqueue(t.Number); return ValueTask.CompletedTask; }, options: new EventSubscriptionOptions { Origin = EventOrigin.Local });
        using var a = bus.Subscribe<Tick>((t, _) => { all.Enqueue(t.Number); return ValueTask.CompletedTask; });

        bus.Publish(new Tick("k", 1));
        bus.PublishRemote(new Tick("k", 2));
        await Eventually(() => all.Count == 2 && remote.Count == 1 && local.Count == 1);

        Assert.Equal([1, 2], all);
        Assert.Equal([2], remote);
        Assert.Equal([1], local);
    }

    [Fact]
    public void Publishing_a_type_nobody_subscribed_to_costs_nothing_and_sends_it_to_a_transport_that_carries_it()
    {
        var transport = new RecordingTransport(typeof(Tick));
        using var bus = new EventBus(NullLogger<EventBus>.Instance, [transport]);

        bus.Publish(new Tick("k", 1));
        bus.Publish("not carried");
        bus.PublishRemote(new Tick("k", 2));

        Assert.Equal([new Tick("k", 1)], transport.Sent);
    }

    private sealed class RecordingTransport(Type carried) : IEventTransport
    {
        public List<object> Sent { get; } = [];

        public bool Carries(Type eventType) => eventType == carried;

        public void Send<TEvent>(TEvent @event)
            where TEvent : notnull => Sent.Add(@event);
    }
}

/// <summary>Keeps what the bus logs, so a test can assert that a drop or a failure was reported.</summary>
internal sealed class ListLogger : ILogger<EventBus>
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, formatter(state, exception), exception));
}
