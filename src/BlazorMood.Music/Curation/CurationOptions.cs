using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Music.Curation;

/// <summary>Limits and tools of library curation, bound from <c>Music:Curation</c>.</summary>
public sealed class CurationOptions
{
    public const string SectionName = "Music:Curation";

    /// <summary>Folder under the library root holding the curation state, uploads in progress and the trash (hidden from the loader).</summary>
    public const string StateFolderName = ".blazormood";

    /// <summary>Largest audio file an upload may be (bytes); the upload stops and is discarded past it.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Longest track accepted (as ffprobe reads it).</summary>
    public TimeSpan MaxTrackDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Deleted playlists and tracks stay in the trash this long (recoverable by hand), then are purged.</summary>
    public TimeSpan TrashRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How often the curation side file is checked for changes made elsewhere (another node on a shared library volume,
    /// a hand edit); 0 turns the check off.
    /// </summary>
    public TimeSpan ExternalChangePollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest metadata.json an import accepts (bytes).</summary>
    [Range(2, 64L * 1024 * 1024)]
    public long MaxImportBytes { get; set; } = 4L * 1024 * 1024;
}
