using System.Globalization;
using System.Text.Json.Nodes;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Curation;

/// <summary>
/// <see cref="ILibraryCurator"/> over the library folder. Changes are serialised by one gate; uploads stream and probe
/// outside it (a large upload never blocks an edit) and take it only to commit. Ordering rules that keep a crash or
/// a failure from losing anything: new audio is complete and validated before any metadata.json names it; a file is
/// copied before its old entry is removed; deleted folders and files go to the trash rather than away.
/// </summary>
public sealed partial class LibraryCurator : ILibraryCurator, IDisposable
{
    private const int CopyBufferBytes = 81920;

    private readonly MusicLibrary _files;
    private readonly IMusicLibrary _library;
    private readonly CurationStore _curation;
    private readonly AudioProbe _probe;
    private readonly AudioTags _tags;
    private readonly CurationOptions _options;
    private readonly MusicOptions _music;
    private readonly TimeProvider _time;
    private readonly ILogger<LibraryCurator> _logger;
    private readonly LibraryPaths _paths;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public LibraryCurator(MusicLibrary files, IMusicLibrary library, CurationStore curation, AudioProbe probe, AudioTags tags,
        IOptions<CurationOptions> options, IOptions<MusicOptions> music, TimeProvider time, ILogger<LibraryCurator> logger)
    {
        _files = files;
        _library = library;
        _curation = curation;
        _probe = probe;
        _tags = tags;
        _options = options.Value;
        _music = music.Value;
        _time = time;
        _logger = logger;
        _paths = new LibraryPaths(_music.LibraryPath);
    }

    public LibrarySnapshot Library => _library.Current;

    public CurationSnapshot Curation => _curation.Current;

    public LibraryPaths Paths => _paths;

    public async Task CreatePlaylistAsync(string name, PlaylistContext? context, IReadOnlyList<string>? dayparts, CancellationToken cancellationToken)
    {
        var settings = CheckSettings(context, dayparts ?? []);
        await WithGateAsync(async () =>
        {
            var folder = _paths.PlaylistFolder(name, mustExist: false);
            // Built aside and renamed into place: the loader never sees a playlist folder without its metadata.json.
            var staging = Path.Combine(_paths.StateFolder, "new-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(staging);
            try
            {
                await MetadataDocument.CreateEmpty().SaveAsync(Path.Combine(staging, PlaylistLoader.MetadataFileName), cancellationToken);
                Directory.Move(staging, folder);
            }
            catch (IOException ex) when (Directory.Exists(folder))
            {
                throw new CurationException(CurationError.Conflict, $"'{name}' already exists.", inner: ex);
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }
            AtomicFile.SyncDirectory(_paths.RootReal);
            if (settings.Context is not null || settings.Dayparts.Count > 0)
            {
                await _curation.UpdateAsync(d => { d.Playlists[name] = new PlaylistCuration(name, settings.Context, settings.Dayparts); return true; }, CancellationToken.None);
            }
            LogPlaylistCreated(_logger, name, settings.Context?.ToString() ?? "by name");
        }, cancellationToken);
    }

    public async Task RenamePlaylistAsync(string name, string newName, CancellationToken cancellationToken)
    {
        await WithGateAsync(async () =>
        {
            var folder = _paths.PlaylistFolder(name, mustExist: true);
            if (name == newName)
            {
                return;
            }
            var target = _paths.PlaylistFolder(newName, mustExist: false);
            // Track ids follow paths: keep what was measured in the files so the renamed tracks need no new analysis.
            await CarryMeasuredFeaturesAsync(name, cancellationToken);
            Directory.Move(folder, target);
            AtomicFile.SyncDirectory(_paths.RootReal);
            await _curation.UpdateAsync(d => { d.RenamePlaylist(name, newName); return true; }, CancellationToken.None);
            LogPlaylistRenamed(_logger, name, newName);
        }, cancellationToken);
    }

    public async Task SetPlaylistSettingsAsync(string name, PlaylistContext? context, IReadOnlyList<string> dayparts, CancellationToken cancellationToken)
    {
        var settings = CheckSettings(context, dayparts);
        await WithGateAsync(async () =>
        {
            _paths.PlaylistFolder(name, mustExist: true);
            await _curation.UpdateAsync(d =>
            {
                d.Playlists[name] = new PlaylistCuration(name, settings.Context, settings.Dayparts);
                return true;
            }, cancellationToken);
            LogPlaylistSettings(_logger, name, settings.Context?.ToString() ?? "by name", string.Join(",", settings.Dayparts));
        }, cancellationToken, reload: false);
    }

    public async Task DeletePlaylistAsync(string name, PlaylistDeletion deletion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deletion);
        await WithGateAsync(async () =>
        {
            var folder = _paths.PlaylistFolder(name, mustExist: true);
            var metadataPath = Path.Combine(folder, PlaylistLoader.MetadataFileName);
            MetadataDocument? doc = null;
            try
            {
                doc = await MetadataDocument.ReadAsync(metadataPath, _music.MaxMetadataBytes, cancellationToken);
            }
            catch (CurationException) when (deletion.Tracks == TrackDisposal.Delete)
            {
                // A broken metadata.json can still be thrown away with its folder.
            }
            var audioFiles = Directory.EnumerateFiles(folder).Count(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != PlaylistLoader.MetadataFileName);
            var empty = doc is { Entries.Count: 0 } && audioFiles == 0;
            var bansToMove = new List<(string From, string To)>();
            if (!empty)
            {
                switch (deletion.Tracks)
                {
                    case TrackDisposal.RefuseIfNotEmpty:
                        throw new CurationException(CurationError.ConfirmationRequired,
                            $"'{name}' has {doc?.Entries.Count ?? 0} tracks. Move them to another playlist or confirm that they are deleted with it.");
                    case TrackDisposal.MoveTo:
                        if (deletion.Target is null || deletion.Target == name)
                        {
                            throw new CurationException(CurationError.Invalid, "Name the playlist that receives the tracks.");
                        }
                        bansToMove = await MoveAllTracksAsync(name, folder, doc!, deletion.Target, cancellationToken);
                        break;
                }
            }
            var trashed = MoveToTrash(folder, name);
            await _curation.UpdateAsync(d =>
            {
                d.RemovePlaylist(name);
                foreach (var (_, to) in bansToMove)
                {
                    d.BannedPaths.Add(to);
                }
                return true;
            }, CancellationToken.None);
            LogPlaylistDeleted(_logger, name, deletion.Tracks.ToString(), deletion.Target, trashed);
        }, cancellationToken);
    }

    public async Task PinAsync(string? playlist, CancellationToken cancellationToken)
    {
        await WithGateAsync(async () =>
        {
            if (playlist is not null)
            {
                _paths.PlaylistFolder(playlist, mustExist: true);
            }
            await _curation.UpdateAsync(d =>
            {
                if (d.PinnedPlaylist == playlist)
                {
                    return false;
                }
                d.PinnedPlaylist = playlist;
                return true;
            }, cancellationToken);
            LogPinned(_logger, playlist);
        }, cancellationToken, reload: false);
    }

    public async Task SetBannedAsync(string trackId, bool banned, CancellationToken cancellationToken)
    {
        await WithGateAsync(async () =>
        {
            var track = FindTrack(trackId);
            await _curation.UpdateAsync(d => banned ? d.BannedPaths.Add(track.RelativePath) : d.BannedPaths.Remove(track.RelativePath), cancellationToken);
            LogBanned(_logger, trackId, track.RelativePath, banned);
        }, cancellationToken, reload: false);
    }

    public async Task<Track> UpdateTrackAsync(string trackId, TrackEdit edit, CancellationToken cancellationToken)
    {
        var clean = CheckEdit(edit);
        await WithGateAsync(async () =>
        {
            var track = FindTrack(trackId);
            var (path, doc, entry) = await OpenEntryAsync(track, cancellationToken);
            entry["title"] = clean.Title;
            entry["artist"] = clean.Artist;
            SetOrRemove(entry, "bpmOverride", clean.BpmOverride is { } bpm ? JsonValue.Create(Math.Round(bpm, 2)) : null);
            SetOrRemove(entry, "tags", clean.Tags.Count > 0 ? new JsonArray(clean.Tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()) : null);
            await doc.SaveAsync(path, cancellationToken);
            LogTrackEdited(_logger, trackId, track.RelativePath);
        }, cancellationToken);
        return FindTrack(trackId);
    }

    public async Task<Track> MoveTrackAsync(string trackId, string targetPlaylist, CancellationToken cancellationToken)
    {
        string newId = trackId;
        await WithGateAsync(async () =>
        {
            var track = FindTrack(trackId);
            if (track.Playlist == targetPlaylist)
            {
                return;
            }
            var targetFolder = _paths.PlaylistFolder(targetPlaylist, mustExist: true);
            var (sourcePath, sourceDoc, entry) = await OpenEntryAsync(track, cancellationToken);
            var targetPath = Path.Combine(targetFolder, PlaylistLoader.MetadataFileName);
            if (File.Exists(targetPath))
            {
                _paths.EnsureWritable(targetPath);
            }
            var targetDoc = await MetadataDocument.ReadAsync(targetPath, _music.MaxMetadataBytes, cancellationToken);
            var moved = await CopyIntoAsync(track, entry, targetFolder, targetDoc, cancellationToken);
            try
            {
                await targetDoc.SaveAsync(targetPath, CancellationToken.None);
            }
            catch
            {
                // Nothing names the copy: remove it, the source is untouched.
                AtomicFile.TryDelete(Path.Combine(targetFolder, moved));
                throw;
            }
            // From here the track is in the target; removing it from the source must not be cancelled half-way.
            sourceDoc.Entries.Remove(entry);
            await sourceDoc.SaveAsync(sourcePath, CancellationToken.None);
            AtomicFile.TryDelete(track.FullPath);
            var newRelative = $"{targetPlaylist}/{moved}";
            newId = PlaylistLoader.MakeId(newRelative);
            await _curation.UpdateAsync(d => d.BannedPaths.Remove(track.RelativePath) && d.BannedPaths.Add(newRelative), CancellationToken.None);
            LogTrackMoved(_logger, trackId, track.RelativePath, newRelative);
        }, cancellationToken);
        return FindTrack(newId);
    }

    public async Task DeleteTrackAsync(string trackId, CancellationToken cancellationToken)
    {
        await WithGateAsync(async () =>
        {
            var track = FindTrack(trackId);
            var (path, doc, entry) = await OpenEntryAsync(track, cancellationToken);
            doc.Entries.Remove(entry);
            await doc.SaveAsync(path, cancellationToken);
            var trashed = MoveToTrash(track.FullPath, $"{track.Playlist}-{Path.GetFileName(track.FullPath)}");
            await _curation.UpdateAsync(d => d.BannedPaths.Remove(track.RelativePath), CancellationToken.None);
            LogTrackDeleted(_logger, trackId, track.RelativePath, trashed);
        }, cancellationToken);
    }

    public async Task<UploadedTrack> UploadTrackAsync(string playlist, Stream content, string? clientFileName, IProgress<long>? bytesReceived, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        // Checked before the bytes arrive, and again at commit (it may be renamed or deleted meanwhile).
        _paths.PlaylistFolder(playlist, mustExist: true);
        var staged = await StageAsync(content, bytesReceived, cancellationToken);
        try
        {
            var probed = await _probe.ProbeAsync(staged, cancellationToken);
            var tags = _tags.Read(staged, probed.Extension);
            var title = tags.Title ?? TitleFromFileName(clientFileName) ?? "Untitled";
            var artist = tags.Artist ?? "Unknown artist";
            UploadedTrack? result = null;
            await WithGateAsync(async () =>
            {
                var folder = _paths.PlaylistFolder(playlist, mustExist: true);
                var metadataPath = Path.Combine(folder, PlaylistLoader.MetadataFileName);
                if (File.Exists(metadataPath))
                {
                    _paths.EnsureWritable(metadataPath);
                }
                var doc = await MetadataDocument.ReadAsync(metadataPath, _music.MaxMetadataBytes, cancellationToken);
                var fileName = LibraryPaths.NewTrackFileName(title, probed.Extension);
                var target = Path.Combine(folder, fileName);
                var entry = new JsonObject
                {
                    ["title"] = title,
                    ["artist"] = artist,
                    ["duration"] = probed.DurationSeconds,
                    ["filepath"] = fileName,
                };
                if (tags.Album is { } album)
                {
                    entry["album"] = album;
                }
                if (tags.Bpm is { } bpm)
                {
                    entry["bpm"] = bpm;
                }
                if (CleanClientName(clientFileName) is { } original)
                {
                    entry["originalFileName"] = original;
                }
                doc.Entries.Add(entry);
                // The audio is complete and valid: move it in (same file system, atomic), then name it in metadata.json.
                File.Move(staged, target, overwrite: false);
                try
                {
                    await doc.SaveAsync(metadataPath, CancellationToken.None);
                }
                catch
                {
                    AtomicFile.TryDelete(target);
                    throw;
                }
                AtomicFile.SyncDirectory(folder);
                var relative = $"{playlist}/{fileName}";
                result = new UploadedTrack(PlaylistLoader.MakeId(relative), playlist, fileName, title, artist, tags.Album, probed.DurationSeconds, tags.Bpm, probed.Format, probed.Codec);
                LogUploaded(_logger, result.TrackId, relative, probed.Format, probed.Codec, probed.DurationSeconds);
            }, cancellationToken);
            return result!;
        }
        finally
        {
            AtomicFile.TryDelete(staged);
        }
    }

    public async Task<UploadedTrack> ReplaceTrackFileAsync(string trackId, Stream content, string? clientFileName, IProgress<long>? bytesReceived, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        FindTrack(trackId);
        var staged = await StageAsync(content, bytesReceived, cancellationToken);
        try
        {
            var probed = await _probe.ProbeAsync(staged, cancellationToken);
            var tags = _tags.Read(staged, probed.Extension);
            UploadedTrack? result = null;
            await WithGateAsync(async () =>
            {
                var track = FindTrack(trackId);
                var (path, doc, entry) = await OpenEntryAsync(track, cancellationToken);
                var folder = Path.GetDirectoryName(track.FullPath)!;
                var sameName = string.Equals(Path.GetExtension(track.FullPath), probed.Extension, StringComparison.OrdinalIgnoreCase);
                var fileName = sameName ? Path.GetFileName(track.FullPath) : LibraryPaths.NewTrackFileName(entry["title"]?.GetValue<string>(), probed.Extension);
                entry["duration"] = probed.DurationSeconds;
                entry["filepath"] = fileName;
                // Measurements and the declared tempo described the old audio.
                entry.Remove("analysis");
                SetOrRemove(entry, "bpm", tags.Bpm is { } bpm ? JsonValue.Create(bpm) : null);
                if (CleanClientName(clientFileName) is { } original)
                {
                    entry["originalFileName"] = original;
                }
                if (sameName)
                {
                    // rename(2) over the old file: readers see the old audio or the new, never a part.
                    File.Move(staged, track.FullPath, overwrite: true);
                    await doc.SaveAsync(path, CancellationToken.None);
                }
                else
                {
                    var target = Path.Combine(folder, fileName);
                    File.Move(staged, target, overwrite: false);
                    try
                    {
                        await doc.SaveAsync(path, CancellationToken.None);
                    }
                    catch
                    {
                        AtomicFile.TryDelete(target);
                        throw;
                    }
                    MoveToTrash(track.FullPath, $"{track.Playlist}-{Path.GetFileName(track.FullPath)}");
                    var newRelative = $"{track.Playlist}/{fileName}";
                    await _curation.UpdateAsync(d => d.BannedPaths.Remove(track.RelativePath) && d.BannedPaths.Add(newRelative), CancellationToken.None);
                }
                AtomicFile.SyncDirectory(folder);
                var relative = $"{track.Playlist}/{fileName}";
                result = new UploadedTrack(PlaylistLoader.MakeId(relative), track.Playlist, fileName, track.Title, track.Artist, tags.Album,
                    probed.DurationSeconds, tags.Bpm, probed.Format, probed.Codec);
                LogReplaced(_logger, trackId, relative, probed.Format, probed.Codec);
            }, cancellationToken);
            return result!;
        }
        finally
        {
            AtomicFile.TryDelete(staged);
        }
    }

    public async Task<MetadataImportResult> ImportMetadataAsync(string playlist, Stream json, bool skipInvalid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = await ReadBoundedAsync(json, _options.MaxImportBytes, cancellationToken);
        var doc = MetadataDocument.Parse(bytes, "The uploaded metadata.json");
        MetadataImportResult? result = null;
        await WithGateAsync(async () =>
        {
            var folder = _paths.PlaylistFolder(playlist, mustExist: true);
            var path = Path.Combine(folder, PlaylistLoader.MetadataFileName);
            if (File.Exists(path))
            {
                _paths.EnsureWritable(path);
            }
            var problems = doc.Validate(folder);
            if (problems.Count > 0 && !skipInvalid)
            {
                throw new CurationException(CurationError.InvalidEntries,
                    $"{problems.Count} of {doc.Entries.Count} entries are invalid; nothing was imported.", problems.Select(p => p.Problem).ToList());
            }
            doc.RemoveEntries(problems.Select(p => p.Index));
            await doc.SaveAsync(path, cancellationToken);
            result = new MetadataImportResult(playlist, doc.Entries.Count, problems.Select(p => p.Problem).ToList());
            LogImported(_logger, playlist, doc.Entries.Count, problems.Count);
        }, cancellationToken);
        return result!;
    }

    public async Task<byte[]> ExportMetadataAsync(string playlist, bool originalFieldsOnly, CancellationToken cancellationToken)
    {
        var path = _paths.MetadataFile(playlist);
        if (!File.Exists(path))
        {
            return MetadataDocument.CreateEmpty().ToUtf8Bytes();
        }
        _paths.EnsureWritable(path);
        if (!originalFieldsOnly)
        {
            // Exactly the stored file: exporting and importing it again is the identity.
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        var doc = await MetadataDocument.ReadAsync(path, _music.MaxMetadataBytes, cancellationToken);
        var original = MetadataDocument.CreateEmpty();
        foreach (var entry in doc.Entries.OfType<JsonObject>())
        {
            var slim = new JsonObject();
            foreach (var key in new[] { "title", "artist", "duration", "filepath" })
            {
                if (entry[key] is { } value)
                {
                    slim[key] = value.DeepClone();
                }
            }
            if (!slim.ContainsKey("filepath") && MetadataDocument.FileOf(entry) is { } file)
            {
                slim["filepath"] = file;
            }
            original.Entries.Add(slim);
        }
        return original.ToUtf8Bytes();
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _curation.ReloadAsync(cancellationToken);
            await _files.ReloadAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes stale uploads and temp files, and purges the trash past its retention (start-up).</summary>
    public void CleanUp()
    {
        string root;
        try
        {
            root = _paths.RootReal;
        }
        catch (CurationException)
        {
            return;
        }
        var cutoff = _time.GetUtcNow().UtcDateTime;
        if (Directory.Exists(_paths.IncomingFolder))
        {
            // Nothing uploads before the host has started: whatever is here was cut off by a crash or a restart.
            foreach (var file in Directory.EnumerateFiles(_paths.IncomingFolder))
            {
                AtomicFile.TryDelete(file);
            }
        }
        if (Directory.Exists(_paths.StateFolder))
        {
            // Playlists being created when the host stopped (never renamed into place).
            foreach (var dir in Directory.EnumerateDirectories(_paths.StateFolder, "new-*"))
            {
                TryDeleteDirectory(dir);
            }
        }
        foreach (var folder in Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).Prepend(root))
        {
            foreach (var temp in Directory.EnumerateFiles(folder, ".*.tmp"))
            {
                if (File.GetLastWriteTimeUtc(temp) < cutoff - TimeSpan.FromHours(1))
                {
                    AtomicFile.TryDelete(temp);
                }
            }
        }
        if (Directory.Exists(_paths.TrashFolder))
        {
            foreach (var entry in new DirectoryInfo(_paths.TrashFolder).EnumerateFileSystemInfos())
            {
                if (entry.LastWriteTimeUtc < cutoff - _options.TrashRetention)
                {
                    if (entry is DirectoryInfo d)
                    {
                        TryDeleteDirectory(d.FullName);
                    }
                    else
                    {
                        AtomicFile.TryDelete(entry.FullName);
                    }
                }
            }
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task WithGateAsync(Func<Task> change, CancellationToken cancellationToken, bool reload = true)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            try
            {
                await change();
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new CurationException(CurationError.Conflict, "The library folder cannot be written: " + ex.Message, inner: ex);
            }
            catch (IOException ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new CurationException(CurationError.NotFound, "A file of the library is gone: " + ex.Message + " Reload the library.", inner: ex);
            }
            catch (IOException ex)
            {
                throw new CurationException(CurationError.Conflict, "The library could not be changed: " + ex.Message, inner: ex);
            }
            finally
            {
                if (reload)
                {
                    // Also after a failure: whatever did change on disk is what the recommender must see.
                    try
                    {
                        await _files.ReloadAsync(CancellationToken.None);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        LogReloadFailed(_logger, ex);
                    }
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Track FindTrack(string trackId) =>
        _files.Current.FindTrack(trackId) ?? throw new CurationException(CurationError.NotFound, $"There is no track '{Shorten(trackId)}' in the library.");

    /// <summary>The playlist's metadata.json and the track's entry in it, read fresh from disk.</summary>
    private async Task<(string Path, MetadataDocument Doc, JsonObject Entry)> OpenEntryAsync(Track track, CancellationToken cancellationToken)
    {
        var folder = _paths.PlaylistFolder(track.Playlist, mustExist: true);
        _paths.EnsureWritable(track.FullPath);
        var path = Path.Combine(folder, PlaylistLoader.MetadataFileName);
        _paths.EnsureWritable(path);
        var doc = await MetadataDocument.ReadAsync(path, _music.MaxMetadataBytes, cancellationToken);
        var entry = doc.Find(folder, track.FullPath)
            ?? throw new CurationException(CurationError.Conflict, $"'{track.RelativePath}' is no longer listed in {track.Playlist}/metadata.json; reload the library.");
        return (path, doc, entry);
    }

    /// <summary>Copies a track's file into <paramref name="targetFolder"/> and appends its entry to <paramref name="targetDoc"/> (not saved); returns the file name.</summary>
    private async Task<string> CopyIntoAsync(Track track, JsonObject entry, string targetFolder, MetadataDocument targetDoc, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(track.FullPath);
        if (File.Exists(Path.Combine(targetFolder, name)) || targetDoc.Find(targetFolder, Path.Combine(targetFolder, name)) is not null)
        {
            name = LibraryPaths.NewTrackFileName(track.Title, Path.GetExtension(name).ToLowerInvariant());
        }
        var copy = (JsonObject)entry.DeepClone();
        copy["filepath"] = name;
        CarryMeasuredFeatures(track.Id, copy);
        await AtomicFile.CopyAsync(track.FullPath, Path.Combine(targetFolder, name), overwrite: false, cancellationToken);
        targetDoc.Entries.Add(copy);
        return name;
    }

    private async Task<List<(string From, string To)>> MoveAllTracksAsync(string name, string folder, MetadataDocument doc, string target, CancellationToken cancellationToken)
    {
        var targetFolder = _paths.PlaylistFolder(target, mustExist: true);
        var targetPath = Path.Combine(targetFolder, PlaylistLoader.MetadataFileName);
        if (File.Exists(targetPath))
        {
            _paths.EnsureWritable(targetPath);
        }
        var targetDoc = await MetadataDocument.ReadAsync(targetPath, _music.MaxMetadataBytes, cancellationToken);
        var tracks = _files.Current.FindPlaylist(name)?.Tracks ?? [];
        var copied = new List<string>();
        var bans = new List<(string, string)>();
        try
        {
            foreach (var track in tracks)
            {
                if (doc.Find(folder, track.FullPath) is not { } entry)
                {
                    continue;
                }
                _paths.EnsureWritable(track.FullPath);
                var moved = await CopyIntoAsync(track, entry, targetFolder, targetDoc, cancellationToken);
                copied.Add(Path.Combine(targetFolder, moved));
                if (_curation.Current.BannedPaths.Contains(track.RelativePath))
                {
                    bans.Add((track.RelativePath, $"{target}/{moved}"));
                }
            }
            await targetDoc.SaveAsync(targetPath, cancellationToken);
        }
        catch
        {
            // Nothing names the copies yet: remove them, the source playlist is untouched.
            foreach (var file in copied)
            {
                AtomicFile.TryDelete(file);
            }
            throw;
        }
        return bans;
    }

    /// <summary>Writes measured features the database holds (and metadata.json lacks) into every entry of a playlist.</summary>
    private async Task CarryMeasuredFeaturesAsync(string playlist, CancellationToken cancellationToken)
    {
        var tracks = _files.Current.FindPlaylist(playlist)?.Tracks ?? [];
        if (tracks.Count == 0)
        {
            return;
        }
        var folder = _paths.PlaylistFolder(playlist, mustExist: true);
        var path = Path.Combine(folder, PlaylistLoader.MetadataFileName);
        MetadataDocument doc;
        try
        {
            _paths.EnsureWritable(path);
            doc = await MetadataDocument.ReadAsync(path, _music.MaxMetadataBytes, cancellationToken);
        }
        catch (CurationException)
        {
            // The playlist is renamed regardless; its tracks are measured again afterwards.
            return;
        }
        var changed = false;
        foreach (var track in tracks)
        {
            if (doc.Find(folder, track.FullPath) is { } entry)
            {
                changed |= CarryMeasuredFeatures(track.Id, entry);
            }
        }
        if (changed)
        {
            await doc.SaveAsync(path, cancellationToken);
        }
    }

    /// <summary>Adds to <paramref name="entry"/>'s <c>analysis</c> what was measured for the track but is not in its file entry.</summary>
    private bool CarryMeasuredFeatures(string trackId, JsonObject entry)
    {
        if (_library.Current.FindTrack(trackId)?.Features is not { } merged || _files.Current.FindTrack(trackId)?.Features is not { } declared)
        {
            return false;
        }
        var analysis = entry["analysis"] as JsonObject ?? new JsonObject();
        var changed = false;
        if (declared.Bpm is null && merged.Bpm is { } bpm)
        {
            analysis["bpm"] = Math.Round(bpm, 2);
            changed = true;
        }
        if (declared.EnergyDb is null && merged.EnergyDb is { } energy)
        {
            analysis["energyDb"] = Math.Round(energy, 1);
            changed = true;
        }
        if (declared.BrightnessHz is null && merged.BrightnessHz is { } brightness)
        {
            analysis["brightnessHz"] = Math.Round(brightness, 0);
            changed = true;
        }
        if (changed)
        {
            entry["analysis"] = analysis;
        }
        return changed;
    }

    /// <summary>Streams an upload into a hidden staging file under the library root, bounded by <see cref="CurationOptions.MaxUploadBytes"/>.</summary>
    private async Task<string> StageAsync(Stream content, IProgress<long>? bytesReceived, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_paths.IncomingFolder);
        _paths.EnsureWritable(_paths.IncomingFolder);
        // No extension: ffprobe must recognise the content, not be told what it is.
        var staged = Path.Combine(_paths.IncomingFolder, Guid.NewGuid().ToString("N") + ".upload");
        try
        {
            await using var output = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferBytes, FileOptions.Asynchronous);
            var buffer = new byte[CopyBufferBytes];
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > _options.MaxUploadBytes)
                {
                    throw new CurationException(CurationError.TooLarge, $"The file is larger than the limit of {FormatBytes(_options.MaxUploadBytes)}.");
                }
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                bytesReceived?.Report(total);
            }
            if (total == 0)
            {
                throw new CurationException(CurationError.UnsupportedMedia, "The file is empty.");
            }
            await output.FlushAsync(cancellationToken);
            output.Flush(flushToDisk: true);
            return staged;
        }
        catch
        {
            AtomicFile.TryDelete(staged);
            throw;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream content, long max, CancellationToken cancellationToken)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[CopyBufferBytes];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (memory.Length + read > max)
            {
                throw new CurationException(CurationError.TooLarge, $"A metadata.json is at most {FormatBytes(max)}.");
            }
            memory.Write(buffer, 0, read);
        }
        return memory.ToArray();
    }

    /// <summary>Moves a playlist folder or a track file into the trash; returns where it went.</summary>
    private string MoveToTrash(string path, string label)
    {
        Directory.CreateDirectory(_paths.TrashFolder);
        var stamp = _time.GetUtcNow().UtcDateTime.ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture);
        var target = Path.Combine(_paths.TrashFolder, $"{stamp}-{Guid.NewGuid().ToString("N")[..6]}-{label}");
        if (Directory.Exists(path))
        {
            Directory.Move(path, target);
        }
        else if (File.Exists(path))
        {
            File.Move(path, target);
        }
        // The trash entry's age drives the purge; a move keeps the original time.
        if (Directory.Exists(target))
        {
            Directory.SetLastWriteTimeUtc(target, _time.GetUtcNow().UtcDateTime);
        }
        else if (File.Exists(target))
        {
            File.SetLastWriteTimeUtc(target, _time.GetUtcNow().UtcDateTime);
        }
        AtomicFile.SyncDirectory(Path.GetDirectoryName(path)!);
        return target;
    }

    private static (PlaylistContext? Context, IReadOnlyList<string> Dayparts) CheckSettings(PlaylistContext? context, IReadOnlyList<string> dayparts)
    {
        if (context is not null && CurationStore.Validate(context.Kind, context.Value) is { } error)
        {
            throw new CurationException(CurationError.Invalid, error);
        }
        if (dayparts.FirstOrDefault(d => !Dayparts.IsKnown(d)) is { } unknown)
        {
            throw new CurationException(CurationError.Invalid, $"'{unknown}' is not a daypart; use {string.Join(", ", Dayparts.All)}.");
        }
        var normalized = context is null ? null : new PlaylistContext(context.Kind, CurationStore.Normalize(context.Kind, context.Value));
        return (normalized, Dayparts.All.Where(dayparts.Contains).ToArray());
    }

    private static TrackEdit CheckEdit(TrackEdit edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var title = edit.Title?.Trim() ?? "";
        var artist = edit.Artist?.Trim() ?? "";
        if (title.Length is 0 or > TrackEdit.MaxTextLength || artist.Length > TrackEdit.MaxTextLength)
        {
            throw new CurationException(CurationError.Invalid, $"A title is 1–{TrackEdit.MaxTextLength} characters and an artist at most {TrackEdit.MaxTextLength}.");
        }
        if (edit.BpmOverride is { } bpm && (!double.IsFinite(bpm) || bpm < 20 || bpm > 300))
        {
            throw new CurationException(CurationError.Invalid, "A tempo override is between 20 and 300 BPM.");
        }
        var tags = (edit.Tags ?? []).Select(t => t?.Trim() ?? "").Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (tags.Count > TrackEdit.MaxTags || tags.Any(t => t.Length > TrackEdit.MaxTagLength))
        {
            throw new CurationException(CurationError.Invalid, $"At most {TrackEdit.MaxTags} tags of at most {TrackEdit.MaxTagLength} characters each.");
        }
        return new TrackEdit(title, artist.Length == 0 ? "Unknown artist" : artist, edit.BpmOverride, tags);
    }

    private static void SetOrRemove(JsonObject entry, string key, JsonNode? value)
    {
        if (value is null)
        {
            entry.Remove(key);
        }
        else
        {
            entry[key] = value;
        }
    }

    /// <summary>The client's file name as display text only: its last segment, without the extension or control characters.</summary>
    internal static string? TitleFromFileName(string? clientFileName)
    {
        var name = CleanClientName(clientFileName);
        if (name is null)
        {
            return null;
        }
        var stem = Path.GetFileNameWithoutExtension(name).Replace('_', ' ').Trim();
        return stem.Length == 0 ? null : stem;
    }

    internal static string? CleanClientName(string? clientFileName)
    {
        if (string.IsNullOrWhiteSpace(clientFileName))
        {
            return null;
        }
        var last = clientFileName.Replace('\\', '/').Split('/').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > TrackEdit.MaxTextLength ? clean[..TrackEdit.MaxTextLength] : clean;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Shorten(string id) => id.Length > 64 ? id[..64] + "…" : id;

    private static string FormatBytes(long bytes) => bytes >= 1024 * 1024
        ? $"{bytes / (1024.0 * 1024):0.#} MB"
        : $"{bytes / 1024.0:0.#} KB";

    [LoggerMessage(Level = LogLevel.Error, Message = "Curation: reloading the library after a change failed; the watcher will retry")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: playlist {Name} created (context {Context})")]
    private static partial void LogPlaylistCreated(ILogger logger, string name, string context);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: playlist {Name} renamed to {NewName}")]
    private static partial void LogPlaylistRenamed(ILogger logger, string name, string newName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: playlist {Name} mapped to {Context}, dayparts [{Dayparts}]")]
    private static partial void LogPlaylistSettings(ILogger logger, string name, string context, string dayparts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: playlist {Name} deleted (tracks: {Disposal} {Target}); kept in {Trash}")]
    private static partial void LogPlaylistDeleted(ILogger logger, string name, string disposal, string? target, string trash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: pinned playlist is now {Playlist}")]
    private static partial void LogPinned(ILogger logger, string? playlist);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: track {TrackId} ({Path}) banned {Banned}")]
    private static partial void LogBanned(ILogger logger, string trackId, string path, bool banned);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: track {TrackId} ({Path}) metadata edited")]
    private static partial void LogTrackEdited(ILogger logger, string trackId, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: track {TrackId} moved from {From} to {To}")]
    private static partial void LogTrackMoved(ILogger logger, string trackId, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: track {TrackId} ({Path}) deleted; kept in {Trash}")]
    private static partial void LogTrackDeleted(ILogger logger, string trackId, string path, string trash);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: uploaded track {TrackId} as {Path} ({Format}/{Codec}, {Duration} s)")]
    private static partial void LogUploaded(ILogger logger, string trackId, string path, string format, string codec, double duration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: audio of track {TrackId} replaced, now {Path} ({Format}/{Codec})")]
    private static partial void LogReplaced(ILogger logger, string trackId, string path, string format, string codec);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation: imported metadata.json of {Playlist}: {Entries} entries, {Skipped} skipped")]
    private static partial void LogImported(ILogger logger, string playlist, int entries, int skipped);
}
