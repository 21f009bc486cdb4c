namespace BlazorMood.Data.Emotions;

/// <summary>
/// A change of someone's dominant emotion (or a periodic repeat of an unchanged one), as the live view saw it.
/// Only the label and its confidence are kept: never a frame or any other image data.
/// </summary>
public sealed class EmotionEvent
{
    public const int MaxSessionIdLength = 64;
    public const int MaxLabelLength = 16;
    public const int MaxSourceLength = 16;

    public long Id { get; set; }

    /// <summary>Anonymous browser session the event belongs to (a cookie value, or the live connection id).</summary>
    public required string SessionId { get; set; }

    /// <summary>Account id, once accounts exist; null for anonymous sessions.</summary>
    public string? UserId { get; set; }

    /// <summary>Lower-case emotion label ("angry" … "neutral").</summary>
    public required string Label { get; set; }

    /// <summary>Smoothed probability of <see cref="Label"/>, 0..1.</summary>
    public float Confidence { get; set; }

    /// <summary>When the live view recorded it, UTC.</summary>
    public DateTime OccurredAtUtc { get; set; }

    /// <summary>What produced it: <c>live</c> for the webcam view (uploads and the kiosk will add their own).</summary>
    public required string Source { get; set; }
}
