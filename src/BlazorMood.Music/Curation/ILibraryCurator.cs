using BlazorMood.Music.Library;

namespace BlazorMood.Music.Curation;

/// <summary>What happens to the tracks of a playlist that is deleted.</summary>
public enum TrackDisposal
{
    /// <summary>Delete only an empty playlist; a non-empty one is refused (<see cref="CurationError.ConfirmationRequired"/>).</summary>
    RefuseIfNotEmpty,

    /// <summary>Move every track to another playlist first.</summary>
    MoveTo,

    /// <summary>Delete the tracks with the playlist (explicit confirmation; they go to the trash).</summary>
    Delete,
}

/// <param name="Target">The playlist that receives the tracks for <see cref="TrackDisposal.MoveTo"/>.</param>
public sealed record PlaylistDeletion(TrackDisposal Tracks, string? Target = null)
{
    public static PlaylistDeletion OnlyIfEmpty { get; } = new(TrackDisposal.RefuseIfNotEmpty);
}

/// <summary>New metadata of a track; <paramref name="BpmOverride"/> null clears an override.</summary>
public sealed record TrackEdit(string Title, string Artist, double? BpmOverride, IReadOnlyList<string> Tags)
{
    public const int MaxTextLength = 200;
    public const int MaxTags = 32;
    public const int MaxTagLength = 40;
}

/// <summary>An upload that was accepted and is now a library track.</summary>
/// <param name="TagBpm">The tempo the file's tags declared, if any (written as the track's <c>bpm</c>).</param>
public sealed record UploadedTrack(string TrackId, string Playlist, string FileName, string Title, string Artist, string? Album,
    double DurationSeconds, double? TagBpm, string Format, string Codec);

/// <summary>The outcome of a metadata.json import.</summary>
/// <param name="Skipped">Bad entries left out (only when skipping was asked for; otherwise they refuse the import).</param>
public sealed record MetadataImportResult(string Playlist, int Entries, IReadOnlyList<string> Skipped);

/// <summary>
/// The admin's operations on the music library. The files under the library root stay the source of truth (each
/// playlist's metadata.json in the original format); what that format cannot say lives in the curation side file.
/// Every change is atomic on disk, confined to the library root, and visible to the next recommendation: the library
/// is reloaded before the call returns, and curation changes apply on the next request.
/// </summary>
public interface ILibraryCurator
{
    /// <summary>The library as the recommender sees it (with stored features).</summary>
    LibrarySnapshot Library { get; }

    CurationSnapshot Curation { get; }

    Task CreatePlaylistAsync(string name, PlaylistContext? context, IReadOnlyList<string>? dayparts, CancellationToken cancellationToken);

    Task RenamePlaylistAsync(string name, string newName, CancellationToken cancellationToken);

    /// <summary>Sets the mapping (null: by folder name) and the daypart schedule (empty: any time).</summary>
    Task SetPlaylistSettingsAsync(string name, PlaylistContext? context, IReadOnlyList<string> dayparts, CancellationToken cancellationToken);

    Task DeletePlaylistAsync(string name, PlaylistDeletion deletion, CancellationToken cancellationToken);

    /// <summary>Pins a playlist (everything is recommended from it), or unpins with null.</summary>
    Task PinAsync(string? playlist, CancellationToken cancellationToken);

    Task SetBannedAsync(string trackId, bool banned, CancellationToken cancellationToken);

    Task<Track> UpdateTrackAsync(string trackId, TrackEdit edit, CancellationToken cancellationToken);

    Task<Track> MoveTrackAsync(string trackId, string targetPlaylist, CancellationToken cancellationToken);

    Task DeleteTrackAsync(string trackId, CancellationToken cancellationToken);

    /// <summary>Streams an audio file into a playlist; <paramref name="clientFileName"/> is only recorded, never used as a path.</summary>
    Task<UploadedTrack> UploadTrackAsync(string playlist, Stream content, string? clientFileName, IProgress<long>? bytesReceived, CancellationToken cancellationToken);

    /// <summary>Replaces a track's audio; the old file stays until the new one is complete and valid.</summary>
    Task<UploadedTrack> ReplaceTrackFileAsync(string trackId, Stream content, string? clientFileName, IProgress<long>? bytesReceived, CancellationToken cancellationToken);

    Task<MetadataImportResult> ImportMetadataAsync(string playlist, Stream json, bool skipInvalid, CancellationToken cancellationToken);

    /// <summary>The playlist's metadata.json as stored, or with only the original four fields.</summary>
    Task<byte[]> ExportMetadataAsync(string playlist, bool originalFieldsOnly, CancellationToken cancellationToken);

    /// <summary>Reads the files and the curation side file again (after hand edits).</summary>
    Task ReloadAsync(CancellationToken cancellationToken);
}
