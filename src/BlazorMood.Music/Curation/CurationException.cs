namespace BlazorMood.Music.Curation;

/// <summary>Why a curation request was refused; the API maps each to a status code.</summary>
public enum CurationError
{
    /// <summary>Bad input: a name, a path, a value (400).</summary>
    Invalid,

    /// <summary>No such playlist or track (404).</summary>
    NotFound,

    /// <summary>The name is taken, or the state changed under the request (409).</summary>
    Conflict,

    /// <summary>A non-empty playlist is deleted without saying what happens to its tracks (409).</summary>
    ConfirmationRequired,

    /// <summary>The upload or import is larger than allowed (413).</summary>
    TooLarge,

    /// <summary>Not audio in an accepted format, or not a metadata.json (415).</summary>
    UnsupportedMedia,

    /// <summary>An import whose entries are not all valid (422); <see cref="CurationException.Problems"/> lists them.</summary>
    InvalidEntries,
}

/// <summary>A refused curation request, with a message fit for the admin.</summary>
public sealed class CurationException : Exception
{
    public CurationException()
    {
    }

    public CurationException(string message) : base(message)
    {
    }

    public CurationException(string message, Exception inner) : base(message, inner)
    {
    }

    public CurationException(CurationError error, string message, IReadOnlyList<string>? problems = null, Exception? inner = null) : base(message, inner)
    {
        Error = error;
        Problems = problems ?? [];
    }

    public CurationError Error { get; } = CurationError.Invalid;

    /// <summary>One line per bad entry (imports).</summary>
    public IReadOnlyList<string> Problems { get; } = [];
}
