using BlazorMood.Data.Jobs;
using BlazorMood.Events;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Subsonic;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Music;

/// <summary>Bounds of the Subsonic sync (bound from <c>Music:Subsonic:Sync</c>).</summary>
public sealed class SubsonicSyncOptions
{
    public const string SectionName = "Music:Subsonic:Sync";

    /// <summary>Albums asked for per <c>getAlbumList2</c> call (the API allows up to 500).</summary>
    public int AlbumPageSize { get; set; } = 500;

    /// <summary>The most songs taken from one server; a larger catalogue is cut here and the status says so.</summary>
    public int MaxSongs { get; set; } = 20_000;

    /// <summary>Songs downloaded and analysed at once (each is an ffmpeg decode on the cores of the node running the sync).</summary>
    public int TagConcurrency { get; set; } = 1;

    /// <summary>How long a server that did not answer is left out of the recommendations before it is tried again.</summary>
    public TimeSpan UnreachableRetryAfter { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Said on the event bus (topic <c>subsonic</c>) when a server's songs in the database changed: a sync stored or
/// tagged songs, found the server unreachable, or the server was removed. Every other node rebuilds its catalogue of
/// the server's songs from the database (the message carries no songs), so the recommendations of a web node follow
/// a sync that the worker host ran.
/// </summary>
public sealed record SubsonicLibraryChanged(string ServerId, bool Removed, bool Unreachable);

/// <summary>The server was removed while a step of its sync ran: the sync stops and writes nothing more.</summary>
public sealed class SubsonicServerRemovedException(string serverId)
    : OperationCanceledException($"Subsonic server {serverId} was removed during its sync.");

/// <summary>
/// Makes a Subsonic server's songs tracks of the recommender's library: reads the server's albums a page at a time
/// (bounded by <see cref="SubsonicSyncOptions.MaxSongs"/>), upserts one <see cref="TrackRecord"/> per song (id, path
/// <c>subsonic://server/song</c>, title, artist, duration; a second sync adds nothing, a song gone from the server is
/// marked removed), then tags each untagged song with <see cref="SubsonicTrackAnalyzer"/> and stores its features in
/// the same columns as a file's, so moods from features apply to it. A server that does not answer keeps its songs
/// (nothing is removed) and the status says so in plain words.
/// </summary>
/// <remarks>
/// <para>
/// A sync runs as a job of the job engine (<see cref="SubsonicSyncJob"/>, keyed by the server id, one at a time per
/// server): <see cref="RequestAsync"/> on any node queues it, a node that runs jobs (the worker host, or a web node in
/// role <c>all</c>) runs <see cref="SyncAsync"/>. Its status is a row of the database
/// (<see cref="SubsonicSyncStatusStore"/>), so an admin sees the same status on every node. Every step can run again:
/// songs are keyed by server and song id, and only songs still waiting are tagged, so a sync the engine runs again
/// after its node died adds nothing twice.
/// </para>
/// <para>
/// Tagging runs here rather than in the library's file analysis worker, which reads files by path: new songs are
/// stored with <see cref="SubsonicTrackPaths.AwaitingTagging"/> as their analysis error, which keeps that worker away,
/// and <see cref="TagAsync"/> replaces it with the features or the real error.
/// </para>
/// </remarks>
public sealed partial class SubsonicLibrarySync
{
    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly SubsonicServerStore _servers;
    private readonly IServiceProvider _services;
    private readonly SubsonicTrackCatalog _catalog;
    private readonly StoredTrackFeatures _features;
    private readonly SubsonicSyncStatusStore _status;
    private readonly JobScheduling _scheduling;
    private readonly IEventBus _bus;
    private readonly SubsonicSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SubsonicLibrarySync> _logger;

    public SubsonicLibrarySync(IDbContextFactory<BlazorMoodDbContext> contexts, SubsonicServerStore servers, IServiceProvider services,
        SubsonicTrackCatalog catalog, StoredTrackFeatures features, SubsonicSyncStatusStore status, JobScheduling scheduling, IEventBus bus,
        IOptions<SubsonicSyncOptions> options, TimeProvider time, ILogger<SubsonicLibrarySync> logger)
    {
        _contexts = contexts;
        _servers = servers;
        // The client and analyzer are resolved when a sync runs: a node that only queues syncs needs neither.
        _services = services;
        _catalog = catalog;
        _features = features;
        _status = status;
        _scheduling = scheduling;
        _bus = bus;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The stored status of <paramref name="serverId"/>'s last sync; null when it was never asked to sync.</summary>
    public Task<SubsonicSyncStatus?> StatusAsync(string serverId, CancellationToken cancellationToken) => _status.GetAsync(serverId, cancellationToken);

    /// <summary>The stored status of every server's last sync.</summary>
    public Task<IReadOnlyDictionary<string, SubsonicSyncStatus>> StatusesAsync(CancellationToken cancellationToken) => _status.ListAsync(cancellationToken);

    /// <summary>
    /// Queues a sync in the job engine and returns the stored status. A server whose sync already waits or runs is
    /// not queued again (the engine's job key would leave one job anyway; this also leaves one run).
    /// </summary>
    public async Task<SubsonicSyncStatus> RequestAsync(string serverId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverId);
        var before = await _status.QueueAsync(serverId, "Waiting to sync (on a node that runs jobs: the worker host, or a web node in role all).", cancellationToken);
        if (before?.State is SubsonicSyncState.Queued or SubsonicSyncState.Running
            && await _scheduling.ExistsAsync(SubsonicSyncJob.Group, serverId, cancellationToken))
        {
            return before;
        }
        try
        {
            await _scheduling.RunNowAsync<SubsonicSyncJob>(SubsonicSyncJob.Group, serverId, cancellationToken);
        }
        catch (Exception ex) when (ex is Quartz.SchedulerException or System.Data.Common.DbException)
        {
            LogQueueFailed(_logger, ex, serverId);
            await SetAsync(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0, "Not synced: the sync could not be queued. Try again in a minute.", CancellationToken.None);
        }
        return await _status.GetAsync(serverId, cancellationToken)
            ?? new SubsonicSyncStatus(serverId, SubsonicSyncState.Queued, 0, 0, 0, 0, 0, "Waiting to sync.", _time.GetUtcNow());
    }

    /// <summary>
    /// The server was removed: its sync stops wherever it runs, its songs are marked removed (kept for history) and
    /// leave the recommendations of every node.
    /// </summary>
    /// <remarks>
    /// The status row goes first: a sync on any node checks it at every status write (between album pages and between
    /// songs) and inside the transaction that stores songs, and stops when it is gone. That reaches a sync on another
    /// node through the database every node already shares, as a video job's heartbeat finds its deleted row; the
    /// engine's interrupt only reaches a job running in this process, and the event bus is optional (no Redis in a
    /// single process) and could lose the message. A sync in this process is also interrupted at once through the engine.
    /// </remarks>
    public async Task ForgetAsync(string serverId, CancellationToken cancellationToken)
    {
        await _status.DeleteAsync(serverId, cancellationToken);
        try
        {
            await _scheduling.InterruptAsync(SubsonicSyncJob.Group, serverId, cancellationToken);
        }
        catch (Exception ex) when (ex is Quartz.SchedulerException or System.Data.Common.DbException)
        {
            // The sync still stops at its next status write.
            LogInterruptFailed(_logger, ex, serverId);
        }
        var playlist = SubsonicTrackPaths.PlaylistName(serverId);
        var now = _time.GetUtcNow().UtcDateTime;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await db.Tracks.Where(t => t.PlaylistName == playlist && !t.Removed)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Removed, true).SetProperty(t => t.RemovedAtUtc, now), cancellationToken);
        await db.Playlists.Where(p => p.Name == playlist).ExecuteUpdateAsync(u => u.SetProperty(p => p.Removed, true), cancellationToken);
        _catalog.Remove(serverId);
        _bus.Publish(new SubsonicLibraryChanged(serverId, Removed: true, Unreachable: false));
    }

    /// <summary>
    /// Runs one sync of <paramref name="serverId"/> (the engine's <see cref="SubsonicSyncJob"/> calls it) and returns
    /// its final status. Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/>
    /// fires or the server is removed meanwhile.
    /// </summary>
    public async Task<SubsonicSyncStatus> SyncAsync(string serverId, CancellationToken cancellationToken)
    {
        var record = (await _servers.ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == serverId);
        if (record is null)
        {
            // Removed before the job ran: nothing to sync and no status to keep.
            await _status.DeleteAsync(serverId, cancellationToken);
            return new SubsonicSyncStatus(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0, "This server is no longer configured.", _time.GetUtcNow());
        }
        SubsonicConnection connection;
        try
        {
            connection = (await _servers.ConnectionAsync(serverId, cancellationToken))!;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return await SetAsync(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0,
                $"{record.Name}: the stored password cannot be decrypted with this node's keys (DataProtection:KeysPath must be the folder every node shares). Remove the server and add it again.",
                cancellationToken);
        }
        await SetAsync(serverId, SubsonicSyncState.Running, 0, 0, 0, 0, 0, $"Reading the songs of {record.Name}…", cancellationToken);

        List<SubsonicSong> songs;
        bool cut;
        try
        {
            (songs, cut) = await ReadSongsAsync(serverId, record.Name, connection, cancellationToken);
        }
        catch (SubsonicException ex)
        {
            var unreachable = ex.Failure == SubsonicFailure.Unreachable;
            if (unreachable)
            {
                _catalog.MarkUnreachable(serverId);
            }
            var kept = await LiveSongCountAsync(serverId, cancellationToken);
            LogServerFailed(_logger, serverId, ex.Failure, ex.Message);
            _bus.Publish(new SubsonicLibraryChanged(serverId, Removed: false, Unreachable: unreachable));
            return await SetAsync(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0,
                $"Not synced: {ex.Message} The {kept} songs already synced from {record.Name} are kept; the local library keeps playing.", cancellationToken);
        }
        _catalog.MarkReachable(serverId);

        var (added, removed) = await UpsertAsync(serverId, songs, cancellationToken);
        await LoadCatalogAsync(cancellationToken);
        _bus.Publish(new SubsonicLibraryChanged(serverId, Removed: false, Unreachable: false));
        var found = songs.Count;
        await SetAsync(serverId, SubsonicSyncState.Running, found, added, removed, 0, 0, $"Found {found} songs on {record.Name} ({added} new); tagging…", cancellationToken);

        var (tagged, failed, stoppedBy) = await TagAsync(serverId, connection, songs, found, added, removed, record.Name, cancellationToken);
        await LoadCatalogAsync(cancellationToken);
        _bus.Publish(new SubsonicLibraryChanged(serverId, Removed: false, Unreachable: stoppedBy is not null));
        var message = $"Found {found} songs on {record.Name}: {added} new, {removed} gone from the server, {tagged} tagged, {failed} could not be tagged."
            + (cut ? $" Only the first {_options.MaxSongs} songs were taken (Music:Subsonic:Sync:MaxSongs)." : "")
            + (stoppedBy is null ? "" : $" Tagging stopped: {stoppedBy} The rest is tagged on the next sync.");
        LogSynced(_logger, serverId, found, added, removed, tagged, failed);
        return await SetAsync(serverId, stoppedBy is null ? SubsonicSyncState.Done : SubsonicSyncState.Failed, found, added, removed, tagged, failed, message,
            cancellationToken);
    }

    /// <summary>Songs of the server that the library holds now (kept when a sync fails).</summary>
    private async Task<int> LiveSongCountAsync(string serverId, CancellationToken cancellationToken)
    {
        var playlist = SubsonicTrackPaths.PlaylistName(serverId);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.Tracks.CountAsync(t => t.PlaylistName == playlist && !t.Removed, cancellationToken);
    }

    /// <summary>Albums read between two progress writes (each also checks the server is still configured).</summary>
    private const int AlbumsPerProgress = 20;

    private async Task<(List<SubsonicSong> Songs, bool Cut)> ReadSongsAsync(string serverId, string serverName, SubsonicConnection connection,
        CancellationToken cancellationToken)
    {
        var client = _services.GetRequiredService<SubsonicClient>();
        var songs = new List<SubsonicSong>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pageSize = Math.Clamp(_options.AlbumPageSize, 1, 500);
        var albumsRead = 0;
        for (var offset = 0; ; offset += pageSize)
        {
            var albums = await client.GetAlbumsAsync(connection, pageSize, offset, cancellationToken);
            foreach (var album in albums)
            {
                // One request per album, so a page of 500 takes a while: the progress, and the check that the server
                // was not removed meanwhile (the status write fails then), every few albums rather than per page.
                if (++albumsRead % AlbumsPerProgress == 0)
                {
                    await SetAsync(serverId, SubsonicSyncState.Running, songs.Count, 0, 0, 0, 0, $"Reading the songs of {serverName}: {songs.Count} so far…", cancellationToken);
                }
                var (_, albumSongs) = await client.GetAlbumAsync(connection, album.Id, cancellationToken);
                foreach (var song in albumSongs)
                {
                    if (seen.Add(song.Id))
                    {
                        songs.Add(song);
                        if (songs.Count >= _options.MaxSongs)
                        {
                            return (songs, true);
                        }
                    }
                }
            }
            if (albums.Count < pageSize)
            {
                return (songs, false);
            }
            // Between pages: the progress, and the check that the server was not removed meanwhile.
            await SetAsync(serverId, SubsonicSyncState.Running, songs.Count, 0, 0, 0, 0, $"Reading the songs of {serverName}: {songs.Count} so far…", cancellationToken);
        }
    }

    private async Task<(int Added, int Removed)> UpsertAsync(string serverId, List<SubsonicSong> songs, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var playlistName = SubsonicTrackPaths.PlaylistName(serverId);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        // PostgreSQL's retrying strategy runs the whole transaction again after a transient error, from an empty change
        // tracker and fresh counts.
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // First in the transaction: a server removed meanwhile gets no rows (ForgetAsync deletes the status row
            // before it marks the songs removed, so either it waits for this transaction or this one sees it gone).
            if (!await SubsonicSyncStatusStore.TouchAsync(db, serverId, now, ct))
            {
                throw new SubsonicServerRemovedException(serverId);
            }
            var playlist = await db.Playlists.FirstOrDefaultAsync(p => p.Name == playlistName, ct);
            if (playlist is null)
            {
                db.Playlists.Add(new PlaylistRecord { Name = playlistName, FirstSeenUtc = now, LastSeenUtc = now });
            }
            else
            {
                playlist.Removed = false;
                playlist.LastSeenUtc = now;
            }
            var rows = await db.Tracks.Where(t => t.PlaylistName == playlistName).ToDictionaryAsync(t => t.Id, StringComparer.Ordinal, ct);
            int added = 0, removed = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var song in songs)
            {
                var id = SubsonicTrackPaths.TrackId(serverId, song.Id);
                seen.Add(id);
                var title = ColumnText.Fit(song.Title, TrackRecord.MaxTextLength);
                var artist = ColumnText.Fit(string.IsNullOrWhiteSpace(song.Artist) ? "Unknown artist" : song.Artist, TrackRecord.MaxTextLength);
                if (!rows.TryGetValue(id, out var row))
                {
                    db.Tracks.Add(new TrackRecord
                    {
                        Id = id, PlaylistName = playlistName, Title = title, Artist = artist, DurationSeconds = song.DurationSeconds,
                        RelativePath = SubsonicTrackPaths.RelativePath(serverId, song.Id), FileSize = song.Size,
                        AnalysisError = SubsonicTrackPaths.AwaitingTagging, FirstSeenUtc = now, LastSeenUtc = now,
                    });
                    added++;
                    continue;
                }
                if (row.Removed)
                {
                    row.Removed = false;
                    row.RemovedAtUtc = null;
                }
                if (row.Title != title) { row.Title = title; }
                if (row.Artist != artist) { row.Artist = artist; }
                if (row.DurationSeconds != song.DurationSeconds && song.DurationSeconds > 0) { row.DurationSeconds = song.DurationSeconds; }
                if (row.FileSize != song.Size)
                {
                    // Other audio under the same song id: what was measured belongs to the old file.
                    row.FileSize = song.Size;
                    row.AnalyzedAtUtc = null;
                    row.Bpm = row.EnergyDb = row.BrightnessHz = null;
                }
                // Untagged (never, or it failed before): each sync tries again.
                if (row.AnalyzedAtUtc is null && row.AnalysisError != SubsonicTrackPaths.AwaitingTagging)
                {
                    row.AnalysisError = SubsonicTrackPaths.AwaitingTagging;
                }
                row.LastSeenUtc = now;
            }
            foreach (var row in rows.Values)
            {
                if (!row.Removed && !seen.Contains(row.Id))
                {
                    row.Removed = true;
                    row.RemovedAtUtc = now;
                    removed++;
                }
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (added, removed);
        }, cancellationToken);
    }

    /// <summary>Tags the server's songs that wait for it, <see cref="SubsonicSyncOptions.TagConcurrency"/> at a time.</summary>
    private async Task<(int Tagged, int Failed, string? StoppedBy)> TagAsync(string serverId, SubsonicConnection connection, List<SubsonicSong> songs,
        int found, int added, int removed, string serverName, CancellationToken cancellationToken)
    {
        var playlistName = SubsonicTrackPaths.PlaylistName(serverId);
        List<string> waiting;
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            waiting = await db.Tracks.AsNoTracking()
                .Where(t => t.PlaylistName == playlistName && !t.Removed && t.AnalysisError == SubsonicTrackPaths.AwaitingTagging)
                .Select(t => t.Id).ToListAsync(cancellationToken);
        }
        var byId = songs.ToDictionary(s => SubsonicTrackPaths.TrackId(serverId, s.Id), StringComparer.Ordinal);
        var analyzer = _services.GetRequiredService<SubsonicTrackAnalyzer>();
        int tagged = 0, failed = 0;
        string? stoppedBy = null;
        using var unreachable = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Parallel.ForEachAsync(waiting.Where(byId.ContainsKey),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(_options.TagConcurrency, 1, 8), CancellationToken = unreachable.Token },
                async (id, ct) =>
                {
                    AudioFeatures? features = null;
                    string? error = null;
                    try
                    {
                        features = await analyzer.AnalyzeAsync(connection, byId[id], ct);
                    }
                    catch (SubsonicException ex) when (ex.Failure == SubsonicFailure.Unreachable)
                    {
                        // The server went away mid-sync: the song stays waiting for the next sync.
                        stoppedBy = ex.Message;
                        _catalog.MarkUnreachable(serverId);
                        await unreachable.CancelAsync();
                        return;
                    }
                    catch (Exception ex) when (ex is SubsonicException or AudioAnalysisException or IOException or HttpRequestException)
                    {
                        error = ex.Message;
                    }
                    if (await StoreAsync(id, features, error, ct))
                    {
                        if (features is not null)
                        {
                            Interlocked.Increment(ref tagged);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                        await SetAsync(serverId, SubsonicSyncState.Running, found, added, removed, tagged, failed,
                            $"Found {found} songs on {serverName} ({added} new); tagged {tagged}, {failed} failed, of {waiting.Count}…", ct);
                    }
                });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && stoppedBy is not null)
        {
            // Stopped because the server went away; reported by the caller.
        }
        return (tagged, failed, stoppedBy);
    }

    /// <summary>Stores the features (or the error) of a song still waiting for them; false when it no longer waits.</summary>
    private async Task<bool> StoreAsync(string id, AudioFeatures? features, string? error, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        // A song of a server removed meanwhile is marked removed and no longer waits.
        var waiting = db.Tracks.Where(t => t.Id == id && !t.Removed && t.AnalysisError == SubsonicTrackPaths.AwaitingTagging);
        if (features is null)
        {
            var message = ColumnText.Fit(error ?? "analysis failed", TrackRecord.MaxErrorLength);
            return await waiting.ExecuteUpdateAsync(u => u.SetProperty(t => t.AnalysisError, message), cancellationToken) == 1;
        }
        var now = _time.GetUtcNow().UtcDateTime;
        // A Subsonic song has no declared tags: the measurements are its effective values too.
        var written = await waiting.ExecuteUpdateAsync(u => u
            .SetMeasured(features, now)
            .SetProperty(t => t.Bpm, features.Bpm)
            .SetProperty(t => t.EnergyDb, features.EnergyDb)
            .SetProperty(t => t.BrightnessHz, features.BrightnessHz), cancellationToken);
        if (written == 1)
        {
            var row = await db.Tracks.AsNoTracking().FirstAsync(t => t.Id == id, cancellationToken);
            if (StoredTrackFeatures.Of(row) is { } stored)
            {
                _features.Set(id, stored);
            }
        }
        return written == 1;
    }

    /// <summary>Rebuilds this node's in-memory catalogue from the stored songs of the configured servers.</summary>
    public async Task LoadCatalogAsync(CancellationToken cancellationToken)
    {
        var servers = await _servers.ListAsync(cancellationToken);
        foreach (var gone in _catalog.ServerIds.Except(servers.Select(s => s.Id), StringComparer.Ordinal).ToList())
        {
            _catalog.Remove(gone);
        }
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Tracks.AsNoTracking()
            .Where(t => !t.Removed && t.RelativePath.StartsWith(SubsonicTrackPaths.Scheme))
            .ToListAsync(cancellationToken);
        var byPlaylist = rows.ToLookup(r => r.PlaylistName, StringComparer.Ordinal);
        foreach (var server in servers)
        {
            var name = SubsonicTrackPaths.PlaylistName(server.Id);
            var display = $"{server.Name} (Subsonic)";
            var tracks = byPlaylist[name]
                .OrderBy(r => r.Artist, StringComparer.Ordinal).ThenBy(r => r.Title, StringComparer.Ordinal)
                .Select(r => ToTrack(server, display, r))
                .Where(t => t is not null)
                .Select(t => t!)
                .ToList();
            _catalog.Replace(server.Id, new Playlist(display, tracks));
        }
    }

    private static Track? ToTrack(SubsonicServerRecord server, string playlist, TrackRecord row)
    {
        if (SubsonicTrackPaths.SongId(server.Id, row.RelativePath) is not { } songId)
        {
            return null;
        }
        return new Track(row.Id, playlist, row.Title, row.Artist, row.DurationSeconds, row.RelativePath, row.RelativePath,
            StoredTrackFeatures.Of(row) ?? TrackFeatures.Unknown)
        {
            PlaybackUrl = SubsonicTrackPaths.StreamUrl(server.Id, songId),
            Source = server.Name,
        };
    }

    /// <summary>Stores the status; throws <see cref="SubsonicServerRemovedException"/> when the server's row is gone (removed meanwhile).</summary>
    private async Task<SubsonicSyncStatus> SetAsync(string serverId, SubsonicSyncState state, int found, int added, int removed, int tagged, int failed,
        string message, CancellationToken cancellationToken)
    {
        var status = new SubsonicSyncStatus(serverId, state, found, added, removed, tagged, failed, message, _time.GetUtcNow());
        if (!await _status.UpdateAsync(status, cancellationToken))
        {
            throw new SubsonicServerRemovedException(serverId);
        }
        return status;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Synced Subsonic server {ServerId}: {Found} songs, {Added} new, {Removed} removed, {Tagged} tagged, {Failed} failed")]
    private static partial void LogSynced(ILogger logger, string serverId, int found, int added, int removed, int tagged, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subsonic server {ServerId} could not be synced ({Failure}): {Reason}")]
    private static partial void LogServerFailed(ILogger logger, string serverId, SubsonicFailure failure, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queueing the sync of Subsonic server {ServerId} in the job engine failed")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception, string serverId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking the job engine to interrupt the sync of Subsonic server {ServerId} failed; it stops at its next status write")]
    private static partial void LogInterruptFailed(ILogger logger, Exception exception, string serverId);
}
