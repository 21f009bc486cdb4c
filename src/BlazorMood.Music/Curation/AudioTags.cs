using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Curation;

/// <summary>Tags found in an uploaded file; every field may be missing.</summary>
public sealed record AudioTagValues(string? Title, string? Artist, string? Album, double? Bpm)
{
    public static AudioTagValues None { get; } = new(null, null, null, null);
}

/// <summary>
/// Reads title, artist, album and BPM with TagLib# to prefill a new track's metadata. Tags are a convenience: a file
/// TagLib cannot parse still uploads (ffprobe decided it is audio), it just gets no prefilled fields.
/// </summary>
public sealed partial class AudioTags
{
    private const int MaxTextLength = 200;

    private readonly ILogger<AudioTags> _logger;

    public AudioTags(ILogger<AudioTags> logger) => _logger = logger;

    /// <param name="extension">The library extension ffprobe chose (TagLib picks its parser by it; the staged file has none).</param>
    public AudioTagValues Read(string path, string extension)
    {
        try
        {
            using var file = TagLib.File.Create(path, "taglib/" + extension.TrimStart('.'), TagLib.ReadStyle.None);
            var tag = file.Tag;
            var performers = tag.Performers is { Length: > 0 } p ? string.Join(", ", p.Where(s => !string.IsNullOrWhiteSpace(s))) : null;
            return new AudioTagValues(
                Clean(tag.Title),
                Clean(performers) ?? Clean(tag.FirstAlbumArtist),
                Clean(tag.Album),
                tag.BeatsPerMinute is > 0 and < 400 ? tag.BeatsPerMinute : null);
        }
        catch (Exception ex) when (ex is TagLib.CorruptFileException or TagLib.UnsupportedFormatException or IOException or NotImplementedException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            LogUnreadable(_logger, ex.GetType().Name, ex.Message);
            return AudioTagValues.None;
        }
    }

    private static string? Clean(string? text)
    {
        var trimmed = text?.Replace('\0', ' ').Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > MaxTextLength ? trimmed[..MaxTextLength] : trimmed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tags of an upload could not be read ({Kind}: {Message}); no fields prefilled")]
    private static partial void LogUnreadable(ILogger logger, string kind, string message);
}
