using BlazorMood.Web.Videos;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.History;

/// <summary>One recorded dominant-emotion event.</summary>
public sealed record EmotionPoint(DateTimeOffset At, string Label, float Confidence);

/// <summary>A day's listening (UTC day): tracks started, and the feedback given.</summary>
public sealed record DailyListening(DateOnly Day, int Plays, int Likes, int Skips, int Completes)
{
    public int Feedback => Likes + Skips + Completes;
}

/// <summary>
/// A user's history over [<paramref name="From"/>, <paramref name="To"/>]. <paramref name="Emotions"/> is the newest
/// <c>History:MaxEmotionPoints</c> events of the period in time order; <paramref name="EmotionTotal"/> counts them all.
/// </summary>
public sealed record HistorySnapshot(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<EmotionPoint> Emotions,
    int EmotionTotal,
    IReadOnlyList<VideoJobDto> Jobs,
    IReadOnlyList<DailyListening> Listening);

/// <summary>What "delete my data" removed.</summary>
public sealed record DeletedData(int EmotionEvents, int VideoJobs, int Feedback, int Plays);

/// <summary>A signed-in user's own history (emotion events, video jobs, plays and feedback), and its deletion.</summary>
public interface IUserHistory
{
    Task<HistorySnapshot> GetAsync(string userId, TimeSpan period, CancellationToken ct);

    /// <summary>
    /// Deletes the user's emotion events, video jobs with their files, feedback and plays, and forgets them in the
    /// recommender's memory. The account itself and its API tokens stay.
    /// </summary>
    Task<DeletedData> DeleteAllAsync(string userId, CancellationToken ct);
}
