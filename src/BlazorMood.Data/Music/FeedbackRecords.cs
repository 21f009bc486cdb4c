namespace BlazorMood.Data.Music;

/// <summary>One like, skip or completion, as the listener gave it. The recommender's posterior is the sum of these.</summary>
public sealed class FeedbackRecord
{
    public const int MaxUserIdLength = 64;
    public const int MaxContextKeyLength = 128;
    public const int MaxKindLength = 16;

    public long Id { get; set; }

    /// <summary>Listener: the anonymous session id (or <c>anonymous</c>) until accounts exist.</summary>
    public required string UserId { get; set; }

    /// <summary>Context the track was served in, e.g. <c>emotion:happy</c>.</summary>
    public required string ContextKey { get; set; }

    /// <summary>Track id; no foreign key on purpose: feedback is recorded even when the import of a new track is still behind.</summary>
    public required string TrackId { get; set; }

    /// <summary><c>like</c>, <c>skip</c> or <c>complete</c>.</summary>
    public required string Kind { get; set; }

    public DateTime OccurredAtUtc { get; set; }
}

/// <summary>A track that started playing for a listener (the no-repeat window is rebuilt from these).</summary>
public sealed class PlayRecord
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public required string TrackId { get; set; }

    public DateTime OccurredAtUtc { get; set; }
}
