namespace BlazorMood.Video;

/// <summary>Why a clip could not be processed. The web layer maps these to status codes.</summary>
public enum VideoError
{
    NotFound,
    Empty,
    TooLarge,
    NotAVideo,
    Corrupt,
    Truncated,
    TooLong,
    BadResolution,
    Timeout,
    Failed,
}

/// <summary>
/// A clip that cannot be processed, with a message safe to show to the person who uploaded it (no paths, no ffmpeg
/// output); the technical detail stays in <see cref="Detail"/> for the logs.
/// </summary>
public sealed class VideoProcessingException : Exception
{
    public VideoProcessingException()
        : this(VideoError.Failed, "The video could not be processed.")
    {
    }

    public VideoProcessingException(string message)
        : this(VideoError.Failed, message)
    {
    }

    public VideoProcessingException(string message, Exception innerException)
        : this(VideoError.Failed, message, null, innerException)
    {
    }

    public VideoProcessingException(VideoError error, string userMessage, string? detail = null, Exception? innerException = null)
        : base(userMessage, innerException)
    {
        Error = error;
        Detail = detail;
    }

    public VideoError Error { get; }

    /// <summary>Technical detail for logs (ffmpeg's stderr tail, exit code); never shown to users.</summary>
    public string? Detail { get; }
}
