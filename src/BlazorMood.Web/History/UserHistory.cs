using BlazorMood.Data;
using BlazorMood.Data.Music;
using BlazorMood.Music.Context;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Videos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.History;

/// <summary>Reads a user's history from the database and the video jobs, and deletes all of it on request.</summary>
public sealed partial class UserHistory(
    IDbContextFactory<BlazorMoodDbContext> contexts,
    IVideoJobs videoJobs,
    IFeedbackStore feedback,
    IContextStore context,
    IOptions<HistoryOptions> options,
    TimeProvider time,
    ILogger<UserHistory> logger) : IUserHistory
{
    // Jobs are deleted a page at a time; a user cannot have more than this many pages worth of jobs in practice.
    private const int DeletePageSize = 100;
    private const int MaxDeletePages = 1000;

    public async Task<HistorySnapshot> GetAsync(string userId, TimeSpan period, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The period must be positive.");
        }
        var o = options.Value;
        var to = time.GetUtcNow();
        var from = to - period;
        var since = from.UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);

        var events = db.EmotionEvents.AsNoTracking().Where(e => e.UserId == userId && e.OccurredAtUtc >= since);
        var total = await events.CountAsync(ct);
        var newest = await events.OrderByDescending(e => e.OccurredAtUtc).ThenByDescending(e => e.Id).Take(o.MaxEmotionPoints)
            .Select(e => new { e.OccurredAtUtc, e.Label, e.Confidence }).ToListAsync(ct);
        var points = newest.Select(e => new EmotionPoint(Utc(e.OccurredAtUtc), e.Label, e.Confidence)).Reverse().ToArray();

        var plays = await db.TrackPlays.AsNoTracking().Where(p => p.UserId == userId && p.OccurredAtUtc >= since)
            .GroupBy(p => p.OccurredAtUtc.Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);
        var given = await db.TrackFeedback.AsNoTracking().Where(f => f.UserId == userId && f.OccurredAtUtc >= since)
            .GroupBy(f => new { Day = f.OccurredAtUtc.Date, f.Kind }).Select(g => new { g.Key.Day, g.Key.Kind, Count = g.Count() }).ToListAsync(ct);
        var listening = new List<DailyListening>();
        for (var day = DateOnly.FromDateTime(since); day <= DateOnly.FromDateTime(to.UtcDateTime); day = day.AddDays(1))
        {
            var date = day.ToDateTime(TimeOnly.MinValue);
            int Given(string kind) => given.Where(g => g.Day == date && g.Kind == kind).Sum(g => g.Count);
            listening.Add(new DailyListening(day, plays.Where(p => p.Day == date).Sum(p => p.Count), Given("like"), Given("skip"), Given("complete")));
        }

        var jobs = await videoJobs.ListAsync(userId, o.MaxJobs, ct);
        return new HistorySnapshot(from, to, points, total, jobs, listening);
    }

    public async Task<DeletedData> DeleteAllAsync(string userId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        // Video jobs first: each deletion cancels a running analysis and removes its files through the job service.
        var jobs = 0;
        for (var page = 0; page < MaxDeletePages; page++)
        {
            var batch = await videoJobs.ListAsync(userId, DeletePageSize, ct);
            var deleted = 0;
            foreach (var job in batch)
            {
                if (await videoJobs.DeleteAsync(userId, job.Id, ct))
                {
                    deleted++;
                }
            }
            jobs += deleted;
            if (batch.Count < DeletePageSize || deleted == 0)
            {
                break;
            }
        }

        int events;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            // Rows from before accounts carry the owner in SessionId only; both columns hold the account id now.
            events = await db.EmotionEvents.Where(e => e.UserId == userId || e.SessionId == userId).ExecuteDeleteAsync(ct);
        }

        int feedbackRows, playRows;
        if (feedback is PersistentFeedbackStore persistent)
        {
            (feedbackRows, playRows) = await persistent.ForgetAsync(userId, ct);
        }
        else
        {
            feedback.Forget(userId);
            await using var db = await contexts.CreateDbContextAsync(ct);
            feedbackRows = await db.TrackFeedback.Where(f => f.UserId == userId).ExecuteDeleteAsync(ct);
            playRows = await db.TrackPlays.Where(p => p.UserId == userId).ExecuteDeleteAsync(ct);
        }
        // The recommender's live context (last emotion and activity) goes too; open players re-plan from nothing.
        context.Forget(userId);

        var result = new DeletedData(events, jobs, feedbackRows, playRows);
        LogDeleted(logger, userId, result.EmotionEvents, result.VideoJobs, result.Feedback, result.Plays);
        return result;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the data of {UserId}: {Events} emotion events, {Jobs} video jobs, {Feedback} feedback rows, {Plays} plays")]
    private static partial void LogDeleted(ILogger logger, string userId, int events, int jobs, int feedback, int plays);
}
