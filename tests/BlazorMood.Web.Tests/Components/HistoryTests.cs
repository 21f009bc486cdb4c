using System.Globalization;
using Bunit;
using BlazorMood.Data;
using BlazorMood.Data.Emotions;
using BlazorMood.Data.Music;
using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Components.Pages.History;
using BlazorMood.Web.Components.Pages.Home.Live;
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

    private static ChartSeries<double>[] Series(IRenderedComponent<EmotionTimeline> cut) =>
        [.. cut.FindComponent<MudChart<double>>().Instance.ChartSeries];

    [Fact]
    public void Events_are_counted_per_emotion_per_hour_of_the_day_in_a_stacked_bar_chart_with_every_event_listed()
    {
        var points = new EmotionPoint[]
        {
            new(From.AddHours(6), "happy", 0.9f),
            new(From.AddHours(6.5), "happy", 0.4f),
            new(From.AddHours(12), "sad", 0.2f),
            new(From.AddHours(18), "happy", 0.6f),
        };

        var cut = Context.Render<EmotionTimeline>(p => p.Add(x => x.Points, points).Add(x => x.From, From).Add(x => x.To, To).Add(x => x.Total, 4));

        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(ChartType.StackedBar, chart.ChartType);
        // A day in hours: 24 bars, labelled every sixth hour so a phone's axis stays readable.
        Assert.Equal(24, chart.ChartLabels.Length);
        Assert.Equal(["00:00", "06:00", "12:00", "18:00"], chart.ChartLabels.Where(l => l.Length > 0));
        Assert.Equal("06:00", chart.ChartLabels[6]);
        // One series per emotion seen, in the app's emotion order, each in its emotion's colour.
        var series = Series(cut);
        Assert.Equal(["Happy", "Sad"], series.Select(s => s.Name));
        Assert.Equal(2, series[0].Data.Values[6]);
        Assert.Equal(1, series[0].Data.Values[18]);
        Assert.Equal(1, series[1].Data.Values[12]);
        Assert.Equal(4, series.Sum(s => s.Data.Values.Sum()));
        var options = Assert.IsType<StackedBarChartOptions>(chart.ChartOptions);
        Assert.Equal([EmotionDisplay.Color("happy"), EmotionDisplay.Color("sad")], options.ChartPalette);
        // The value axis fits the tallest stack (2 events): a gridline per event, not MudBlazor's default 20.
        Assert.Equal(1, options.YAxisTicks);
        // The text alternative: the chart's description and every event with its time and confidence.
        Assert.Contains("4 emotion events", cut.Find("[data-testid=timeline-chart]").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal("img", cut.Find("[data-testid=timeline-chart]").GetAttribute("role"));
        var dots = cut.FindAll("[data-testid=timeline-point]");
        Assert.Equal(["happy", "happy", "sad", "happy"], dots.Select(d => d.GetAttribute("data-label")));
        Assert.Contains("2026-11-24 12:00:00 UTC · Sad 20%", dots[2].TextContent, StringComparison.Ordinal);
        // Shares: happy 3 of 4, sad 1 of 4, most frequent first.
        var shares = cut.FindAll(".timeline__share");
        Assert.Equal(["happy", "sad"], shares.Select(s => s.GetAttribute("data-label")));
        Assert.Contains("75%", shares[0].TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=timeline-truncated]"));
    }

    [Fact]
    public void A_week_is_counted_in_six_hour_stretches_and_a_month_in_days_with_outliers_kept_at_the_edges()
    {
        var week = EmotionTimeline.Build([new(From.AddHours(7), "neutral", 0.5f), new(From.AddDays(6.9), "neutral", 0.5f)], From, From.AddDays(7));
        // A day that starts at 04:30 is cut at whole hours, and the axis names every sixth hour.
        var day = EmotionTimeline.Build([new(From.AddHours(5), "happy", 0.5f)], From.AddHours(4.5), From.AddHours(28.5));
        var month = EmotionTimeline.Build([new(From.AddDays(-1), "angry", 0.5f), new(From.AddDays(31), "fear", 0.5f)], From, From.AddDays(30));

        Assert.Equal(28, week.Labels.Length);
        Assert.Equal(TimeSpan.FromHours(6), week.Bucket);
        Assert.Equal(1, week.Series.Single().Data.Values[1]);
        Assert.Equal(1, week.Series.Single().Data.Values[27]);
        // Every second day is named (at midnight UTC, on even days since the Unix epoch: Nov 25, 27, 29).
        Assert.Equal(["Nov 25", "Nov 27", "Nov 29"], week.Labels.Where(l => l.Length > 0));
        Assert.Equal("Nov 25", week.Labels[4]);
        Assert.Equal(25, day.Labels.Length);
        Assert.Equal(From.AddHours(4), day.Starts[0]);
        Assert.Equal(1, day.Series.Single().Data.Values[1]);
        Assert.Equal(["06:00", "12:00", "18:00", "00:00"], day.Labels.Where(l => l.Length > 0));
        Assert.Equal(30, month.Labels.Length);
        Assert.Equal(["angry", "fear"], month.Emotions);
        Assert.Equal(1, month.Series[0].Data.Values[0]);
        Assert.Equal(1, month.Series[1].Data.Values[29]);
        Assert.True(month.Labels.Count(l => l.Length > 0) <= EmotionTimeline.MaxAxisLabels);
    }

    [Fact]
    public void Says_so_when_empty_and_when_only_the_newest_events_are_drawn()
    {
        var empty = Context.Render<EmotionTimeline>(p => p.Add(x => x.Points, []).Add(x => x.From, From).Add(x => x.To, To));
        var truncated = Context.Render<EmotionTimeline>(p => p
            .Add(x => x.Points, [new EmotionPoint(From.AddHours(1), "neutral", 0.5f)])
            .Add(x => x.From, From).Add(x => x.To, From.AddDays(7)).Add(x => x.Total, 5000));

        Assert.NotNull(empty.Find("[data-testid=timeline-empty]"));
        Assert.Empty(empty.FindComponents<MudChart<double>>());
        Assert.Contains("1 of 5000", truncated.Find("[data-testid=timeline-truncated]").TextContent, StringComparison.Ordinal);
        Assert.Equal("Nov 25", truncated.FindComponent<MudChart<double>>().Instance.ChartLabels.First(l => l.Length > 0));
    }
}

public sealed class ChartAxisTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(17, 5)]
    [InlineData(40, 10)]
    [InlineData(41, 20)]
    [InlineData(950, 500)]
    public void The_value_axis_step_is_round_and_gives_at_most_four_gridlines(double max, double step)
    {
        Assert.Equal(step, BlazorMood.Web.Components.ChartAxis.Step(max));
    }
}

public sealed class ListeningByDayTests : MudComponentTest
{
    [Fact]
    public void A_bar_chart_of_each_day_oldest_first_and_a_table_row_per_day_newest_first()
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
        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(ChartType.Bar, chart.ChartType);
        Assert.Equal(["Nov 22", "Nov 23", "Nov 24"], chart.ChartLabels);
        var series = chart.ChartSeries.ToArray();
        Assert.Equal(["Plays", "Likes", "Completed", "Skips"], series.Select(s => s.Name));
        Assert.Equal([4.0, 0, 8], series[0].Data.Values);
        Assert.Equal([1.0, 0, 2], series[1].Data.Values);
        Assert.Equal([2.0, 0, 2], series[2].Data.Values);
        Assert.Equal([1.0, 0, 0], series[3].Data.Values);
        Assert.Contains("12 plays", cut.Find("[data-testid=listening-chart]").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Contains("most plays on 2026-11-24 (8)", cut.Find("[data-testid=listening-chart]").GetAttribute("aria-label"), StringComparison.Ordinal);
    }

    [Fact]
    public void Says_so_when_nothing_was_played()
    {
        var cut = Context.Render<ListeningByDay>(p => p.Add(x => x.Days, [new DailyListening(new DateOnly(2026, 11, 24), 0, 0, 0, 0)]));

        Assert.NotNull(cut.Find("[data-testid=listening-empty]"));
        Assert.Empty(cut.FindComponents<MudChart<double>>());
    }
}

/// <summary>The History page over a real SQLite database (migrated) and the real <see cref="UserHistory"/>.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "Database")]
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
