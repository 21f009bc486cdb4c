using System.Net.Http.Json;
using BlazorMood.Data;
using BlazorMood.Data.Emotions;
using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.History;
using BlazorMood.Web.Tests.Videos;
using BlazorMood.Web.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Playback;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.History;

/// <summary>A host whose timeline shows at most 10 events, so the cap is cheap to reach.</summary>
public sealed class HistoryHost : BlazorMoodWebFactory
{
    public HistoryHost()
        : base(new Dictionary<string, string?> { ["History:MaxEmotionPoints"] = "10" })
    {
    }
}

/// <summary>The History page's data on the real host: what it reads, and "delete my data" for real.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class UserHistoryTests(HistoryHost host) : IClassFixture<HistoryHost>
{
    private IUserHistory History => host.Services.GetRequiredService<IUserHistory>();

    private async Task<BlazorMoodDbContext> DbAsync() =>
        await host.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();

    private async Task AddEventsAsync(string userId, params (string Label, DateTime At)[] events)
    {
        await using var db = await DbAsync();
        db.EmotionEvents.AddRange(events.Select(e => new EmotionEvent
        {
            SessionId = userId, UserId = userId, Label = e.Label, Confidence = 0.8f, OccurredAtUtc = e.At, Source = "live",
        }));
        await db.SaveChangesAsync();
    }

    /// <summary>A like (through the API), a play and a live emotion for <paramref name="account"/>, and one uploaded clip.</summary>
    private async Task<VideoJobDto> GiveDataAsync(TestAccount account)
    {
        await AddEventsAsync(account.Id, ("happy", DateTime.UtcNow.AddMinutes(-5)), ("sad", DateTime.UtcNow.AddMinutes(-1)));
        using var client = host.CreateClientFor(account);
        var recommendation = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/recommend?emotion=happy")).RootElement;
        var track = recommendation.GetProperty("tracks")[0].GetProperty("id").GetString()!;
        (await client.PostAsJsonAsync("/api/feedback", new { trackId = track, kind = "like" })).EnsureSuccessStatusCode();
        host.Services.GetRequiredService<Recommender>().Played(account.Id, track);
        host.Services.GetRequiredService<RecommendationContextReporter>().ReportEmotion(account.Id, "happy", 0.9, DateTimeOffset.UtcNow);
        return await client.SubmitAsync(TestClips.Colour(96, 64, 1));
    }

    private async Task WaitForListeningRowsAsync(string userId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = await DbAsync();
            if (await db.TrackFeedback.AnyAsync(f => f.UserId == userId) && await db.TrackPlays.AnyAsync(p => p.UserId == userId))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "feedback and play rows never reached the database");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Delete_my_data_removes_all_of_mine_and_nothing_of_anyone_else()
    {
        var me = await host.CreateAccountAsync(name: "delete-me");
        var other = await host.CreateAccountAsync(name: "keep-me");
        var myJob = await GiveDataAsync(me);
        var theirJob = await GiveDataAsync(other);
        await WaitForListeningRowsAsync(me.Id);
        await WaitForListeningRowsAsync(other.Id);
        var storage = host.Services.GetRequiredService<VideoStorage>();
        var myFolder = storage.JobFolder(VideoStorage.NewStorageName(myJob.Id));
        var theirFolder = storage.JobFolder(VideoStorage.NewStorageName(theirJob.Id));
        var theirFolderBefore = Directory.Exists(theirFolder);
        var before = await History.GetAsync(me.Id, TimeSpan.FromDays(1), CancellationToken.None);
        Assert.Equal(2, before.EmotionTotal);
        Assert.Contains(before.Jobs, j => j.Id == myJob.Id);

        var deleted = await History.DeleteAllAsync(me.Id, CancellationToken.None);

        Assert.Equal(new DeletedData(2, 1, 1, 1), deleted);
        await using (var db = await DbAsync())
        {
            Assert.False(await db.EmotionEvents.AnyAsync(e => e.UserId == me.Id || e.SessionId == me.Id));
            Assert.False(await db.VideoJobs.AnyAsync(j => j.OwnerId == me.Id));
            Assert.False(await db.TrackFeedback.AnyAsync(f => f.UserId == me.Id));
            Assert.False(await db.TrackPlays.AnyAsync(p => p.UserId == me.Id));
            Assert.Equal(2, await db.EmotionEvents.CountAsync(e => e.UserId == other.Id));
            Assert.True(await db.VideoJobs.AnyAsync(j => j.Id == theirJob.Id));
            Assert.True(await db.TrackFeedback.AnyAsync(f => f.UserId == other.Id));
            Assert.True(await db.TrackPlays.AnyAsync(p => p.UserId == other.Id));
        }
        Assert.False(Directory.Exists(myFolder), "the uploaded clip's folder is gone");
        Assert.Equal(theirFolderBefore, Directory.Exists(theirFolder));
        // Memory too: the recommender knows nothing of me any more, and still knows the other listener.
        var feedback = host.Services.GetRequiredService<IFeedbackStore>();
        var context = host.Services.GetRequiredService<IContextStore>();
        Assert.Empty(feedback.RecentPlays(me.Id, 10));
        Assert.Null(context.Get(me.Id).LastEmotion);
        Assert.NotEmpty(feedback.RecentPlays(other.Id, 10));
        Assert.NotNull(context.Get(other.Id).LastEmotion);
        var after = await History.GetAsync(me.Id, TimeSpan.FromDays(1), CancellationToken.None);
        Assert.Equal(0, after.EmotionTotal);
        Assert.Empty(after.Jobs);
        Assert.All(after.Listening, d => Assert.Equal(0, d.Plays + d.Feedback));
    }

    [Fact]
    public async Task Feedback_still_queued_when_the_data_is_deleted_never_reaches_the_database()
    {
        var me = await host.CreateAccountAsync(name: "queued");
        var store = host.Services.GetRequiredService<IFeedbackStore>();
        for (var i = 0; i < 50; i++)
        {
            store.RecordFeedback(me.Id, "emotion:happy", "track" + i, FeedbackKind.Like);
            store.RecordPlay(me.Id, "track" + i);
        }

        await History.DeleteAllAsync(me.Id, CancellationToken.None);
        await Task.Delay(1000); // the writer drains its queue meanwhile

        await using var db = await DbAsync();
        Assert.False(await db.TrackFeedback.AnyAsync(f => f.UserId == me.Id));
        Assert.False(await db.TrackPlays.AnyAsync(p => p.UserId == me.Id));
        Assert.Equal(default, store.GetCounts(me.Id, "emotion:happy", "track1"));
    }

    [Fact]
    public async Task The_timeline_keeps_the_newest_events_of_the_period_in_time_order()
    {
        var me = await host.CreateAccountAsync(name: "timeline");
        var now = DateTime.UtcNow;
        await AddEventsAsync(me.Id, Enumerable.Range(0, 15).Select(i => (i % 2 == 0 ? "happy" : "neutral", now.AddMinutes(-15 + i))).ToArray());
        await AddEventsAsync(me.Id, ("angry", now.AddDays(-3)));

        var day = await History.GetAsync(me.Id, TimeSpan.FromDays(1), CancellationToken.None);
        var week = await History.GetAsync(me.Id, TimeSpan.FromDays(7), CancellationToken.None);

        Assert.Equal(15, day.EmotionTotal);
        Assert.Equal(10, day.Emotions.Count);
        Assert.Equal(day.Emotions.OrderBy(e => e.At), day.Emotions);
        Assert.True(day.Emotions[0].At > new DateTimeOffset(now.AddMinutes(-11), TimeSpan.Zero));
        Assert.DoesNotContain(day.Emotions, e => e.Label == "angry");
        Assert.Equal(16, week.EmotionTotal);
        Assert.InRange(day.Listening.Count, 2, 2);
        Assert.InRange(week.Listening.Count, 8, 8);
        Assert.Equal(DateOnly.FromDateTime(now), week.Listening[^1].Day);
    }
}
