using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using BlazorMood.Music.Subsonic;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
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

    /// <summary>Songs downloaded and analysed at once (each is an ffmpeg decode on this node's cores).</summary>
    public int TagConcurrency { get; set; } = 1;

    /// <summary>How long a server that did not answer is left out of the recommendations before it is tried again.</summary>
    public TimeSpan UnreachableRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sync requests waiting (one per server at most).</summary>
    public int QueueCapacity { get; set; } = 32;
}

[JsonConverter(typeof(JsonStringEnumConverter<SubsonicSyncState>))]
public enum SubsonicSyncState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>Where the last sync of one server stands, with a sentence an admin can read.</summary>
public sealed record SubsonicSyncStatus(string ServerId, SubsonicSyncState State, int Found, int New, int Removed, int Tagged, int TagFailed,
    string Message, DateTimeOffset UpdatedAt);

/// <summary>
/// Makes a Subsonic server's songs tracks of the recommender's library: reads the server's albums a page at a time
/// (bounded by <see cref="SubsonicSyncOptions.MaxSongs"/>), upserts one <see cref="TrackRecord"/> per song (id, path
/// <c>subsonic://server/song</c>, title, artist, duration; a second sync adds nothing, a song gone from the server is
/// marked removed), then tags each untagged song with <see cref="SubsonicTrackAnalyzer"/> and stores its features in
/// the same columns as a file's, so moods from features apply to it. Syncs run one at a time from a bounded queue.
/// A server that does not answer keeps its songs (nothing is removed) and the status says so in plain words.
/// </summary>
/// <remarks>
/// Tagging runs here rather than in the library's file analysis worker, which reads files by path: new songs are
/// stored with <see cref="SubsonicTrackPaths.AwaitingTagging"/> as their analysis error, which keeps that worker away,
/// and <see cref="TagAsync"/> replaces it with the features or the real error.
/// </remarks>
public sealed partial class SubsonicLibrarySync : BackgroundService
{
    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly SubsonicServerStore _servers;
    private readonly SubsonicClient _client;
    private readonly SubsonicTrackAnalyzer _analyzer;
    private readonly SubsonicTrackCatalog _catalog;
    private readonly StoredTrackFeatures _features;
    private readonly SubsonicSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SubsonicLibrarySync> _logger;
    private readonly Channel<string> _requests;
    private readonly ConcurrentDictionary<string, SubsonicSyncStatus> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public SubsonicLibrarySync(IDbContextFactory<BlazorMoodDbContext> contexts, SubsonicServerStore servers, SubsonicClient client, SubsonicTrackAnalyzer analyzer,
        SubsonicTrackCatalog catalog, StoredTrackFeatures features, IOptions<SubsonicSyncOptions> options, TimeProvider time, ILogger<SubsonicLibrarySync> logger)
    {
        _contexts = contexts;
        _servers = servers;
        _client = client;
        _analyzer = analyzer;
        _catalog = catalog;
        _features = features;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _requests = Channel.CreateBounded<string>(new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    /// <summary>The last known state of <paramref name="serverId"/>'s sync; null when it never ran in this process.</summary>
    public SubsonicSyncStatus? Status(string serverId) => _status.GetValueOrDefault(serverId);

    /// <summary>Queues a sync; false (and a status that says why) when the queue is full. A server already waiting is not queued twice.</summary>
    public bool Request(string serverId)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverId);
        if (_status.TryGetValue(serverId, out var current) && current.State == SubsonicSyncState.Queued)
        {
            return true;
        }
        var queued = Set(serverId, SubsonicSyncState.Queued, 0, 0, 0, 0, 0, "Waiting to sync.");
        if (_requests.Writer.TryWrite(serverId))
        {
            return true;
        }
        _status[serverId] = queued with { State = SubsonicSyncState.Failed, Message = "Not synced: too many syncs are waiting. Try again in a minute." };
        return false;
    }

    /// <summary>The server was removed: its songs are marked removed (kept for history) and leave the recommendations.</summary>
    public async Task ForgetAsync(string serverId, CancellationToken cancellationToken)
    {
        // A sync of it that is running stops first, so it cannot bring the songs back.
        if (_running.TryGetValue(serverId, out var running))
        {
            await running.CancelAsync();
        }
        var playlist = SubsonicTrackPaths.PlaylistName(serverId);
        var now = _time.GetUtcNow().UtcDateTime;
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await db.Tracks.Where(t => t.PlaylistName == playlist && !t.Removed)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Removed, true).SetProperty(t => t.RemovedAtUtc, now), cancellationToken);
        await db.Playlists.Where(p => p.Name == playlist).ExecuteUpdateAsync(u => u.SetProperty(p => p.Removed, true), cancellationToken);
        _catalog.Remove(serverId);
        _status.TryRemove(serverId, out _);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LoadCatalogAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The app still plays its files; the next sync fills the catalogue.
            LogLoadFailed(_logger, ex);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var serverId in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _running[serverId] = cancel;
            try
            {
                await SyncAsync(serverId, cancel.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // The server was removed while it synced (ForgetAsync); what was stored is marked removed there.
                LogSyncCancelled(_logger, serverId);
            }
            catch (Exception ex)
            {
                LogSyncFailed(_logger, ex, serverId);
                Set(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0, $"The sync stopped on an error ({ex.Message}). Nothing stored was lost.");
            }
            finally
            {
                _running.TryRemove(serverId, out _);
            }
        }
    }

    /// <summary>Syncs and tags one server now (the queue calls it; tests may too). Returns the final status.</summary>
    public async Task<SubsonicSyncStatus> SyncAsync(string serverId, CancellationToken cancellationToken)
    {
        var record = (await _servers.ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == serverId);
        if (record is null)
        {
            return Set(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0, "This server is no longer configured.");
        }
        SubsonicConnection connection;
        try
        {
            connection = (await _servers.ConnectionAsync(serverId, cancellationToken))!;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return Set(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0,
                $"{record.Name}: the stored password cannot be decrypted with this app's keys. Remove the server and add it again.");
        }
        Set(serverId, SubsonicSyncState.Running, 0, 0, 0, 0, 0, $"Reading the songs of {record.Name}…");

        List<SubsonicSong> songs;
        bool cut;
        try
        {
            (songs, cut) = await ReadSongsAsync(connection, cancellationToken);
        }
        catch (SubsonicException ex)
        {
            if (ex.Failure == SubsonicFailure.Unreachable)
            {
                _catalog.MarkUnreachable(serverId);
            }
            var kept = _catalog.TracksOf(serverId).Count;
            LogServerFailed(_logger, serverId, ex.Failure, ex.Message);
            return Set(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0,
                $"Not synced: {ex.Message} The {kept} songs already synced from {record.Name} are kept; the local library keeps playing.");
        }
        _catalog.MarkReachable(serverId);

        var (added, removed) = await UpsertAsync(serverId, songs, cancellationToken);
        await LoadCatalogAsync(cancellationToken);
        var found = songs.Count;
        Set(serverId, SubsonicSyncState.Running, found, added, removed, 0, 0, $"Found {found} songs on {record.Name} ({added} new); tagging…");

        var (tagged, failed, stoppedBy) = await TagAsync(serverId, connection, songs, found, added, removed, record.Name, cancellationToken);
        await LoadCatalogAsync(cancellationToken);
        var message = $"Found {found} songs on {record.Name}: {added} new, {removed} gone from the server, {tagged} tagged, {failed} could not be tagged."
            + (cut ? $" Only the first {_options.MaxSongs} songs were taken (Music:Subsonic:Sync:MaxSongs)." : "")
            + (stoppedBy is null ? "" : $" Tagging stopped: {stoppedBy} The rest is tagged on the next sync.");
        LogSynced(_logger, serverId, found, added, removed, tagged, failed);
        return Set(serverId, stoppedBy is null ? SubsonicSyncState.Done : SubsonicSyncState.Failed, found, added, removed, tagged, failed, message);
    }

    private async Task<(List<SubsonicSong> Songs, bool Cut)> ReadSongsAsync(SubsonicConnection connection, CancellationToken cancellationToken)
    {
        var songs = new List<SubsonicSong>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pageSize = Math.Clamp(_options.AlbumPageSize, 1, 500);
        for (var offset = 0; ; offset += pageSize)
        {
            var albums = await _client.GetAlbumsAsync(connection, pageSize, offset, cancellationToken);
            foreach (var album in albums)
            {
                var (_, albumSongs) = await _client.GetAlbumAsync(connection, album.Id, cancellationToken);
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
                        features = await _analyzer.AnalyzeAsync(connection, byId[id], ct);
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
                        Set(serverId, SubsonicSyncState.Running, found, added, removed, tagged, failed,
                            $"Found {found} songs on {serverName} ({added} new); tagged {tagged}, {failed} failed, of {waiting.Count}…");
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
        var waiting = db.Tracks.Where(t => t.Id == id && t.AnalysisError == SubsonicTrackPaths.AwaitingTagging);
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

    /// <summary>Rebuilds the in-memory catalogue from the stored songs of the configured servers.</summary>
    public async Task LoadCatalogAsync(CancellationToken cancellationToken)
    {
        var servers = await _servers.ListAsync(cancellationToken);
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

    private SubsonicSyncStatus Set(string serverId, SubsonicSyncState state, int found, int added, int removed, int tagged, int failed, string message)
    {
        var status = new SubsonicSyncStatus(serverId, state, found, added, removed, tagged, failed, message, _time.GetUtcNow());
        _status[serverId] = status;
        return status;
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "Synced Subsonic server {ServerId}: {Found} songs, {Added} new, {Removed} removed, {Tagged} tagged, {Failed} failed")]
    private static partial void LogSynced(ILogger logger, string serverId, int found, int added, int removed, int tagged, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subsonic server {ServerId} could not be synced ({Failure}): {Reason}")]
    private static partial void LogServerFailed(ILogger logger, string serverId, SubsonicFailure failure, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync of Subsonic server {ServerId} failed")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string serverId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync of Subsonic server {ServerId} stopped: the server was removed")]
    private static partial void LogSyncCancelled(ILogger logger, string serverId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the synced Subsonic songs failed; they return with the next sync")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
