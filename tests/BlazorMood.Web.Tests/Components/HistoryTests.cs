using System.Globalization;
using Bunit;
using BlazorMood.Data;
using BlazorMood.Data.Emotions;
using BlazorMood.Data.Music;
using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Components.Pages.History;
using BlazorMood.Web.History;
using BlazorMood.Web.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Tests.Components;

public sealed class EmotionTimelineTests : MudComponentTest
{
    private static readonly DateTimeOffset From = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(1);

    [Fact]
    public void Each_event_is_a_dot_on_its_emotions_lane_at_its_time_sized_by_confidence()
    {
        var points = new EmotionPoint[]
        {
            new(From.AddHours(6), "happy", 0.9f),
            new(From.AddHours(12), "sad", 0.2f),
            new(From.AddHours(18), "happy", 0.6f),
        };

        var cut = Context.Render<EmotionTimeline>(p => p.Add(x => x.Points, points).Add(x => x.From, From).Add(x => x.To, To).Add(x => x.Total, 3));

        var dots = cut.FindAll("[data-testid=timeline-point]");
        Assert.Equal(3, dots.Count);
        Assert.Equal(["happy", "sad", "happy"], dots.Select(d => d.GetAttribute("data-label")));
        double X(int i) => double.Parse(dots[i].GetAttribute("cx")!, CultureInfo.InvariantCulture);
        double Y(int i) => double.Parse(dots[i].GetAttribute("cy")!, CultureInfo.InvariantCulture);
        var plot = EmotionTimeline.PlotRight - EmotionTimeline.PlotLeft;
        Assert.Equal(EmotionTimeline.PlotLeft + (plot * 0.25), X(0), 1);
        Assert.Equal(EmotionTimeline.PlotLeft + (plot * 0.5), X(1), 1);
        Assert.Equal(Y(0), Y(2)); // same lane
        Assert.NotEqual(Y(0), Y(1));
        Assert.True(double.Parse(dots[0].GetAttribute("r")!, CultureInfo.InvariantCulture) > double.Parse(dots[1].GetAttribute("r")!, CultureInfo.InvariantCulture));
        Assert.Contains("Sad 20%", dots[1].TextContent, StringComparison.Ordinal);
        // Shares: happy 2 of 3, sad 1 of 3, most frequent first.
        var shares = cut.FindAll(".timeline__share");
        Assert.Equal(["happy", "sad"], shares.Select(s => s.GetAttribute("data-label")));
        Assert.Contains("67%", shares[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(6, cut.FindAll("[data-testid=timeline-tick]").Count);
        Assert.Equal("00:00", cut.FindAll("[data-testid=timeline-tick]")[0].TextContent);
        Assert.Empty(cut.FindAll("[data-testid=timeline-truncated]"));
    }

    [Fact]
    public void Says_so_when_empty_and_when_only_the_newest_events_are_drawn()
    {
        var empty = Context.Render<EmotionTimeline>(p => p.Add(x => x.Points, []).Add(x => x.From, From).Add(x => x.To, To));
        var truncated = Context.Render<EmotionTimeline>(p => p
            .Add(x => x.Points, [new EmotionPoint(From.AddHours(1), "neutral", 0.5f)])
            .Add(x => x.From, From).Add(x => x.To, From.AddDays(7)).Add(x => x.Total, 5000));

        Assert.NotNull(empty.Find("[data-testid=timeline-empty]"));
        Assert.Contains("1 of 5000", truncated.Find("[data-testid=timeline-truncated]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Nov 24", truncated.FindAll("[data-testid=timeline-tick]")[0].TextContent);
    }
}

public sealed class ListeningByDayTests : MudComponentTest
{
    [Fact]
    public void A_row_per_day_newest_first_with_bars_scaled_to_the_busiest_day()
    {
        var days = new DailyListening[]
        {
            new(new DateOnly(2026, 11, 22), 4, 1, 1, 2),
            new(new DateOnly(2026, 11, 23), 0, 0, 0, 0),
            new(new DateOnly(2026, 11, 24), 8, 2, 0, 2),
        };

        var cut = Context.Render<ListeningByDay>(p => p.Add(x => x.Days, days));

        var rows = cut.FindAll("[data-testid=listening-day]");
        Assert.Equal(["2026-11-24", "2026-11-23", "2026-11-22"], rows.Select(r => r.GetAttribute("data-day")));
        Assert.Equal("8", rows[0].GetAttribute("data-plays"));
        var bars = cut.FindAll("[data-testid=plays-bar]");
        Assert.Contains("width:100%", bars[0].GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("width:0%", bars[1].GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("width:50%", bars[2].GetAttribute("style"), StringComparison.Ordinal);
        Assert.Equal("33.3%", ListeningByDay.Share(1, 3));
    }

    [Fact]
    public void Says_so_when_nothing_was_played()
    {
        var cut = Context.Render<ListeningByDay>(p => p.Add(x => x.Days, [new DailyListening(new DateOnly(2026, 11, 24), 0, 0, 0, 0)]));

        Assert.NotNull(cut.Find("[data-testid=listening-empty]"));
    }
}

/// <summary>The History page over a real SQLite database (migrated) and the real <see cref="UserHistory"/>.</summary>
public sealed class MyHistoryTests : MudComponentTest, IDisposable
{
    private const string Me = "history-user";
    private const string Other = "someone-else";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "blazormood-tests", "history-" + Guid.NewGuid().ToString("n"));
    private readonly FakeVideoJobs _jobs = new();

    public MyHistoryTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Data:DatabasePath"] = Path.Combine(_folder, "history.db") })
            .Build();
        Context.Services.AddData(configuration);
        Context.Services.AddSingleton<IVideoJobs>(_jobs);
        Context.Services.AddOptions<HistoryOptions>();
        Context.Services.AddSingleton<IUserHistory, UserHistory>();
        using (var db = Contexts.CreateDbContext())
        {
            db.Database.Migrate();
        }
        SignIn(Me);
    }

    private IDbContextFactory<BlazorMoodDbContext> Contexts => Context.Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();

    private void Seed(string user, string label, TimeSpan ago, string track)
    {
        using var db = Contexts.CreateDbContext();
        var at = (Time.GetUtcNow() - ago).UtcDateTime;
        db.EmotionEvents.Add(new EmotionEvent { SessionId = user, UserId = user, Label = label, Confidence = 0.8f, OccurredAtUtc = at, Source = "live" });
        db.TrackFeedback.Add(new FeedbackRecord { UserId = user, ContextKey = "emotion:" + label, TrackId = track, Kind = "like", OccurredAtUtc = at });
        db.TrackPlays.Add(new PlayRecord { UserId = user, TrackId = track, OccurredAtUtc = at });
        db.SaveChanges();
    }

    [Fact]
    public void Shows_my_timeline_jobs_and_listening_and_nobody_elses()
    {
        Seed(Me, "happy", TimeSpan.FromHours(2), "t1");
        Seed(Me, "sad", TimeSpan.FromDays(3), "t2");
        Seed(Other, "angry", TimeSpan.FromHours(1), "t3");
        _jobs.Add(Me, TestJobs.Succeeded("walk.mp4"));
        _jobs.Add(Other, TestJobs.Succeeded("theirs.mp4"));

        var cut = Context.Render<MyHistory>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=timeline-point]").Count));
        Assert.DoesNotContain(cut.FindAll("[data-testid=timeline-point]"), p => p.GetAttribute("data-label") == "angry");
        var job = Assert.Single(cut.FindAll("[data-testid=history-job]"));
        Assert.Contains("walk.mp4", job.TextContent, StringComparison.Ordinal);
        Assert.Equal("succeeded", job.GetAttribute("data-status"));
        Assert.Equal(2, cut.FindAll("[data-testid=listening-day]").Count(d => d.GetAttribute("data-plays") == "1"));

        // The last day: only the recent event and play.
        cut.FindAll("[data-testid=period]").Single(b => b.GetAttribute("data-period") == "24 hours").Click();
        cut.WaitForAssertion(() => Assert.Equal("happy", Assert.Single(cut.FindAll("[data-testid=timeline-point]")).GetAttribute("data-label")));
    }

    [Fact]
    public void Delete_my_data_asks_first_then_deletes_everything_of_mine()
    {
        Seed(Me, "happy", TimeSpan.FromHours(2), "t1");
        Seed(Other, "angry", TimeSpan.FromHours(1), "t3");
        var myJob = TestJobs.Succeeded("walk.mp4");
        _jobs.Add(Me, myJob);
        _jobs.Add(Other, TestJobs.Succeeded("theirs.mp4"));
        Context.Services.GetRequiredService<IContextStore>().Report(Me, new EmotionObservation("happy", 0.9, Time.GetUtcNow()));
        Context.Services.GetRequiredService<IFeedbackStore>().RecordPlay(Me, "t1");
        var dialogs = Context.Render<MudDialogProvider>();
        var cut = Context.Render<MyHistory>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=timeline-point]")));

        // Cancel keeps everything.
        cut.Find("[data-testid=delete-my-data]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("cannot be undone", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Cancel", StringComparison.Ordinal)).Click();
        Assert.Single(cut.FindAll("[data-testid=timeline-point]"));
        Assert.DoesNotContain(_jobs.Calls, c => c.StartsWith("delete", StringComparison.Ordinal));

        cut.Find("[data-testid=delete-my-data]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete everything", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Contains("Delete everything", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Contains("Deleted 1 emotion events, 1 video jobs", cut.Find("[data-testid=deleted-summary]").TextContent, StringComparison.Ordinal));
        Assert.NotNull(cut.Find("[data-testid=timeline-empty]"));
        Assert.NotNull(cut.Find("[data-testid=jobs-empty]"));
        Assert.Contains($"delete {Me} {myJob.Id}", _jobs.Calls);
        using var db = Contexts.CreateDbContext();
        Assert.False(db.EmotionEvents.Any(e => e.UserId == Me));
        Assert.False(db.TrackFeedback.Any(f => f.UserId == Me));
        Assert.False(db.TrackPlays.Any(p => p.UserId == Me));
        Assert.True(db.EmotionEvents.Any(e => e.UserId == Other));
        Assert.True(db.TrackFeedback.Any(f => f.UserId == Other));
        Assert.Null(Context.Services.GetRequiredService<IContextStore>().Get(Me).LastEmotion);
        Assert.Empty(Context.Services.GetRequiredService<IFeedbackStore>().RecentPlays(Me, 5));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is disposable anyway.
        }
    }
}
