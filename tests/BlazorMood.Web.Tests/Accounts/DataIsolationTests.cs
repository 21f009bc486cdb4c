using System.Net;
using System.Net.Http.Json;
using BlazorMood.Data;
using BlazorMood.Data.Emotions;
using BlazorMood.Data.Videos;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.History;
using BlazorMood.Web.Live;
using BlazorMood.Web.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Live;
using BlazorMood.VideoJobs;

namespace BlazorMood.Web.Tests.Accounts;

/// <summary>One user never reads another user's emotion events, video jobs, feedback or history.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class DataIsolationTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private async Task<BlazorMoodDbContext> DbAsync() =>
        await factory.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task Emotion_events_are_the_owners_only()
    {
        var owner = await factory.CreateAccountAsync(name: "events-owner");
        var other = await factory.CreateAccountAsync(name: "events-other");
        await using (var db = await DbAsync())
        {
            db.EmotionEvents.Add(new EmotionEvent { SessionId = owner.Id, UserId = owner.Id, Label = "sad", Confidence = 0.7f, OccurredAtUtc = DateTime.UtcNow, Source = "live" });
            await db.SaveChangesAsync();
        }
        using var ownerClient = factory.CreateClientFor(owner);
        using var otherClient = factory.CreateClientFor(other);

        var mine = await ownerClient.GetFromJsonAsync<EmotionEventDto[]>("/api/emotions/recent");
        var theirs = await otherClient.GetFromJsonAsync<EmotionEventDto[]>($"/api/emotions/recent?session={owner.Id}&userId={owner.Id}");
        var history = await factory.Services.GetRequiredService<IUserHistory>().GetAsync(other.Id, TimeSpan.FromDays(1), CancellationToken.None);

        Assert.Equal("sad", Assert.Single(mine!).Label);
        Assert.Empty(theirs!);
        Assert.Empty(history.Emotions);
    }

    [Fact]
    public async Task Another_users_video_job_does_not_exist_for_me()
    {
        var owner = await factory.CreateAccountAsync(name: "job-owner");
        var other = await factory.CreateAccountAsync(name: "job-other");
        var id = Guid.NewGuid();
        await using (var db = await DbAsync())
        {
            db.VideoJobs.Add(new VideoJobRecord
            {
                Id = id,
                OwnerId = owner.Id,
                UserId = owner.Id,
                FileName = "run.mp4",
                StorageName = VideoStorage.NewStorageName(id),
                State = VideoJobState.Succeeded,
                Progress = 1,
                CreatedUtc = DateTime.UtcNow,
                FinishedUtc = DateTime.UtcNow,
                ActivitiesJson = "[\"running\"]",
            });
            await db.SaveChangesAsync();
        }
        using var ownerClient = factory.CreateClientFor(owner);
        using var otherClient = factory.CreateClientFor(other);

        var get = await otherClient.GetAsync($"/api/videos/{id}");
        var annotated = await otherClient.GetAsync($"/api/videos/{id}/annotated");
        var cancel = await otherClient.PostAsync($"/api/videos/{id}/cancel", null);
        var delete = await otherClient.DeleteAsync($"/api/videos/{id}");
        var list = await otherClient.GetFromJsonAsync<VideoJobDto[]>("/api/videos", VideoApiJson);
        var mine = await ownerClient.GetFromJsonAsync<VideoJobDto>($"/api/videos/{id}", VideoApiJson);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, annotated.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.DoesNotContain(list!, j => j.Id == id);
        Assert.Equal(id, mine!.Id);
        Assert.Equal(["running"], mine.Activities);
    }

    private static readonly System.Text.Json.JsonSerializerOptions VideoApiJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    [Fact]
    public async Task Feedback_and_plays_are_the_listeners_own()
    {
        var owner = await factory.CreateAccountAsync(name: "fb-owner");
        var other = await factory.CreateAccountAsync(name: "fb-other");
        using var ownerClient = factory.CreateClientFor(owner);
        var recommendation = System.Text.Json.JsonDocument.Parse(await ownerClient.GetStringAsync("/api/recommend?emotion=happy")).RootElement;
        var track = recommendation.GetProperty("tracks")[0].GetProperty("id").GetString()!;

        var like = await ownerClient.PostAsJsonAsync("/api/feedback", new { trackId = track, kind = "like" });

        Assert.Equal(HttpStatusCode.NoContent, like.StatusCode);
        var store = factory.Services.GetRequiredService<IFeedbackStore>();
        Assert.Equal(1, store.GetCounts(owner.Id, "emotion:happy", track).Likes);
        Assert.Equal(default, store.GetCounts(other.Id, "emotion:happy", track));
        var history = factory.Services.GetRequiredService<IUserHistory>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await history.GetAsync(owner.Id, TimeSpan.FromDays(1), CancellationToken.None)).Listening.Sum(d => d.Likes) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the like never reached the database");
            await Task.Delay(50);
        }
        Assert.Equal(0, (await history.GetAsync(other.Id, TimeSpan.FromDays(1), CancellationToken.None)).Listening.Sum(d => d.Feedback));
    }
}
