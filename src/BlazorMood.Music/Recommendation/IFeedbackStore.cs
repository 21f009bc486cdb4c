namespace BlazorMood.Music.Recommendation;

/// <summary>Like/skip counts of one (user, context, track): the Beta posterior is Beta(1 + Likes, 1 + Skips).</summary>
public readonly record struct FeedbackCounts(double Likes, double Skips)
{
    public double Alpha => 1 + Likes;

    public double Beta => 1 + Skips;
}

/// <summary>Per-user listening history and like/skip feedback for the recommender.</summary>
public interface IFeedbackStore
{
    /// <summary>Remembers that <paramref name="trackIds"/> were recommended under <paramref name="contextKey"/>, so later feedback on them is credited to that context.</summary>
    void RecordServed(string userId, string contextKey, IReadOnlyList<string> trackIds);

    /// <summary>A track started playing (feeds the no-repeat window).</summary>
    void RecordPlay(string userId, string trackId);

    /// <summary>Feedback on a track, credited to the context it was last served in (or <c>default</c>).</summary>
    void RecordFeedback(string userId, string trackId, FeedbackKind kind);

    /// <summary>Feedback credited to an explicit context.</summary>
    void RecordFeedback(string userId, string contextKey, string trackId, FeedbackKind kind);

    FeedbackCounts GetCounts(string userId, string contextKey, string trackId);

    /// <summary>The ids of the last <paramref name="max"/> plays, newest first.</summary>
    IReadOnlyList<string> RecentPlays(string userId, int max);

    /// <summary>Drops everything kept about <paramref name="userId"/> (history, served map, posteriors): "delete my data".</summary>
    void Forget(string userId);
}
