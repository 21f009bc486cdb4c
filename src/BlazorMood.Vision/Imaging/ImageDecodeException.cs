namespace BlazorMood.Vision;

/// <summary>Why an upload could not be decoded. The web layer maps <see cref="TooLarge"/> to 413, <see cref="Busy"/> to 503 and the rest to 400.</summary>
public enum ImageDecodeError
{
    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>Not JPEG, PNG or WebP.</summary>
    UnknownFormat,

    /// <summary>A supported format whose data is truncated or damaged.</summary>
    Corrupt,

    /// <summary>Over the configured pixel or byte limit.</summary>
    TooLarge,

    /// <summary>Every decode slot stayed taken for the queue timeout; the web layer answers 503 (try again).</summary>
    Busy,
}

/// <summary>Thrown by <see cref="ImageDecoder"/>; the message is safe to show to the client.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(ImageDecodeError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    public ImageDecodeException()
    {
    }

    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImageDecodeError Error { get; } = ImageDecodeError.Corrupt;
}
