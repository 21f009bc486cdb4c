using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Curation;

/// <summary>The editable form of a <see cref="CurationSnapshot"/>, handed to <see cref="CurationStore.UpdateAsync"/>.</summary>
public sealed class CurationDraft
{
    internal CurationDraft(CurationSnapshot from)
    {
        Playlists = from.Playlists.ToDictionary(p => p.Name, StringComparer.Ordinal);
        BannedPaths = new HashSet<string>(from.BannedPaths, StringComparer.Ordinal);
        PinnedPlaylist = from.PinnedPlaylist;
    }

    public Dictionary<string, PlaylistCuration> Playlists { get; }

    public HashSet<string> BannedPaths { get; }

    public string? PinnedPlaylist { get; set; }

    /// <summary>Moves every setting that names <paramref name="from"/> (a playlist renamed, or a folder prefix of paths) to <paramref name="to"/>.</summary>
    public void RenamePlaylist(string from, string to)
    {
        if (Playlists.Remove(from, out var settings))
        {
            Playlists[to] = settings with { Name = to };
        }
        if (PinnedPlaylist == from)
        {
            PinnedPlaylist = to;
        }
        foreach (var path in BannedPaths.Where(p => p.StartsWith(from + "/", StringComparison.Ordinal)).ToList())
        {
            BannedPaths.Remove(path);
            BannedPaths.Add(to + path[from.Length..]);
        }
    }

    public void RemovePlaylist(string name)
    {
        Playlists.Remove(name);
        if (PinnedPlaylist == name)
        {
            PinnedPlaylist = null;
        }
        BannedPaths.RemoveWhere(p => p.StartsWith(name + "/", StringComparison.Ordinal));
    }

    internal CurationSnapshot ToSnapshot(long version) => new(version, Playlists.Values, BannedPaths, PinnedPlaylist);
}

/// <summary>Tells the other nodes that the curation side file changed (they read it again from the shared library volume).</summary>
/// <param name="At">When this node saved or reloaded it.</param>
public sealed record CurationChanged(DateTimeOffset At);

/// <summary>
/// Carries a <see cref="CurationStore"/>'s "changed" to the stores of the other nodes (the web host bridges it over Redis
/// pub/sub when several nodes share one Redis). Those reload through <see cref="CurationStore.ReloadChangedElsewhere"/>,
/// which sends nothing on, so a change is never sent round again.
/// </summary>
public interface ICurationChangeRelay
{
    void Send(CurationChanged change);
}

/// <summary>
/// The curation side file <c>&lt;library&gt;/.blazormood/curation.json</c>: loaded on first use, replaced atomically on
/// every change, and served to the recommender as an immutable <see cref="CurationSnapshot"/> swapped in one write.
/// The library's metadata.json files stay the source of truth for tracks; this file holds only what the original
/// format cannot say (mappings, schedules, bans, the pin). A file that cannot be read is kept aside, never overwritten.
/// With relays (several nodes on one library volume), every change saved or reloaded here makes the other nodes read the
/// file at once; the poll of <see cref="CurationOptions.ExternalChangePollInterval"/> stays as the fallback.
/// </summary>
public sealed partial class CurationStore : ICurationState, IDisposable
{
    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly LibraryPaths _paths;
    private readonly TimeProvider _time;
    private readonly ILogger<CurationStore> _logger;
    private readonly Lock _loadGate = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private CurationSnapshot? _current;
    private readonly TimeSpan _pollInterval;
    private long _version;
    private bool _unreadable;
    private FileStamp _stamp;
    private ITimer? _poll;
    private int _polling;

    // Other nodes' stores; none in a single process.
    private readonly ICurationChangeRelay[] _relays;

    public CurationStore(IOptions<MusicOptions> options, IOptions<CurationOptions> curation, TimeProvider time, ILogger<CurationStore> logger)
        : this(options, curation, time, logger, [])
    {
    }

    public CurationStore(IOptions<MusicOptions> options, IOptions<CurationOptions> curation, TimeProvider time, ILogger<CurationStore> logger,
        IEnumerable<ICurationChangeRelay> relays)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(curation);
        ArgumentNullException.ThrowIfNull(relays);
        _relays = [.. relays];
        _paths = new LibraryPaths(options.Value.LibraryPath);
        _pollInterval = curation.Value.ExternalChangePollInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>What the side file looked like when it was last read or written (a difference means someone else changed it).</summary>
    private readonly record struct FileStamp(bool Exists, long Length, DateTime LastWriteUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.Length, info.LastWriteTimeUtc) : default;
        }
    }

    public event EventHandler<CurationSnapshot>? Changed;

    public CurationSnapshot Current
    {
        get
        {
            if (Volatile.Read(ref _current) is { } current)
            {
                return current;
            }
            lock (_loadGate)
            {
                _current ??= Load();
                // Another node on a shared library volume, or a person with an editor, may change the file: polled,
                // because change notifications do not cross machines (and the library watcher skips hidden folders).
                if (_poll is null && _pollInterval > TimeSpan.Zero)
                {
                    _poll = _time.CreateTimer(_ => _ = PollAsync(), null, _pollInterval, _pollInterval);
                }
                return _current;
            }
        }
    }

    /// <summary>Why the side file could not be read at the last load (it was kept aside), or null.</summary>
    public string? LoadProblem { get; private set; }

    /// <summary>Applies <paramref name="change"/> to a draft of the current state and, when it returns true, saves and publishes it.</summary>
    public async Task<CurationSnapshot> UpdateAsync(Func<CurationDraft, bool> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _writeGate.WaitAsync(cancellationToken);
        CurationSnapshot next;
        try
        {
            var draft = new CurationDraft(Current);
            if (!change(draft))
            {
                return Current;
            }
            next = draft.ToSnapshot(Interlocked.Increment(ref _version));
            await SaveAsync(next, cancellationToken);
            Volatile.Write(ref _current, next);
        }
        finally
        {
            _writeGate.Release();
        }
        Changed?.Invoke(this, next);
        TellOtherNodes();
        return next;
    }

    /// <summary>Reads the side file again (after a hand edit), and has the other nodes read it too.</summary>
    public async Task<CurationSnapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        var next = await ReloadHereAsync(cancellationToken);
        TellOtherNodes();
        return next;
    }

    /// <summary>
    /// Another node changed the side file: reads it again now, in the background (a relay's receive must not wait on
    /// the disk). A failure is logged; the poll catches up later.
    /// </summary>
    public void ReloadChangedElsewhere() => _ = ReloadChangedElsewhereAsync();

    private async Task ReloadChangedElsewhereAsync()
    {
        try
        {
            LogChangedElsewhere(_logger, _paths.CurationFile);
            await ReloadHereAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CurationException or ObjectDisposedException)
        {
            LogPollFailed(_logger, ex);
        }
    }

    private void TellOtherNodes()
    {
        if (_relays.Length == 0)
        {
            return;
        }
        var change = new CurationChanged(_time.GetUtcNow());
        foreach (var relay in _relays)
        {
            relay.Send(change);
        }
    }

    private async Task<CurationSnapshot> ReloadHereAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        CurationSnapshot next;
        try
        {
            next = Load();
            Volatile.Write(ref _current, next);
        }
        finally
        {
            _writeGate.Release();
        }
        Changed?.Invoke(this, next);
        return next;
    }

    private async Task PollAsync()
    {
        // One poll at a time; a slow disk must not stack them up.
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }
        try
        {
            if (FileStamp.Of(_paths.CurationFile) != _stamp)
            {
                LogExternalChange(_logger, _paths.CurationFile);
                // Whoever changed it told the other nodes already (or, a hand edit, each node's poll sees it).
                await ReloadHereAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CurationException)
        {
            LogPollFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private CurationSnapshot Load()
    {
        LoadProblem = null;
        _unreadable = false;
        string path;
        try
        {
            path = _paths.CurationFile;
        }
        catch (CurationException ex)
        {
            LogNoLibrary(_logger, ex.Message);
            return CurationSnapshot.Empty;
        }
        // Stamped before reading: a change after this point differs from the stamp and is read at the next poll.
        _stamp = FileStamp.Of(path);
        if (!_stamp.Exists)
        {
            return new CurationSnapshot(Interlocked.Increment(ref _version), [], [], null);
        }
        try
        {
            using var stream = File.OpenRead(path);
            var doc = JsonSerializer.Deserialize<CurationDocument>(stream, Json) ?? new CurationDocument();
            var playlists = new List<PlaylistCuration>();
            foreach (var (name, settings) in doc.Playlists ?? [])
            {
                if (LibraryPaths.PlaylistNameError(name) is { } error)
                {
                    LogBadEntry(_logger, name, error);
                    continue;
                }
                var context = settings.Context is { } c && Validate(c.Kind, c.Value) is null ? new PlaylistContext(c.Kind, Normalize(c.Kind, c.Value)) : null;
                var dayparts = (settings.Dayparts ?? []).Where(Dayparts.IsKnown).Distinct(StringComparer.Ordinal).ToArray();
                playlists.Add(new PlaylistCuration(name, context, dayparts));
            }
            var banned = (doc.BannedTracks ?? []).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Replace('\\', '/'));
            var pinned = doc.PinnedPlaylist is { } pin && LibraryPaths.PlaylistNameError(pin) is null ? pin : null;
            var snapshot = new CurationSnapshot(Interlocked.Increment(ref _version), playlists, banned, pinned);
            LogLoaded(_logger, path, playlists.Count, snapshot.BannedPaths.Count, pinned);
            return snapshot;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // Running without overrides is better than not running; the file is moved aside before the next save.
            _unreadable = true;
            LoadProblem = $"{path} could not be read ({ex.Message}); curation starts empty and the file is kept as curation.json.unreadable-*.";
            LogUnreadable(_logger, ex, path);
            return new CurationSnapshot(Interlocked.Increment(ref _version), [], [], null);
        }
    }

    private async Task SaveAsync(CurationSnapshot snapshot, CancellationToken cancellationToken)
    {
        var path = _paths.CurationFile;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _paths.EnsureWritable(Path.GetDirectoryName(path)!);
        if (_unreadable && File.Exists(path))
        {
            var aside = $"{path}.unreadable-{_time.GetUtcNow().UtcDateTime.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture)}";
            File.Move(path, aside, overwrite: false);
            _unreadable = false;
        }
        var doc = new CurationDocument
        {
            Version = FormatVersion,
            PinnedPlaylist = snapshot.PinnedPlaylist,
            BannedTracks = snapshot.BannedPaths.Order(StringComparer.Ordinal).ToList(),
            Playlists = snapshot.Playlists.OrderBy(p => p.Name, StringComparer.Ordinal).ToDictionary(
                p => p.Name,
                p => new PlaylistDocument
                {
                    Context = p.Context is { } c ? new ContextDocument { Kind = c.Kind, Value = c.Value } : null,
                    Dayparts = p.Dayparts.Count > 0 ? p.Dayparts.ToList() : null,
                },
                StringComparer.Ordinal),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(doc, Json);
        await AtomicFile.WriteAllBytesAsync(path, bytes, cancellationToken);
        _stamp = FileStamp.Of(path);
    }

    public void Dispose()
    {
        _poll?.Dispose();
        _writeGate.Dispose();
    }

    /// <summary>Null when (<paramref name="kind"/>, <paramref name="value"/>) is a valid mapping, else why not.</summary>
    public static string? Validate(ContextKind kind, string? value)
    {
        switch (kind)
        {
            case ContextKind.None:
                return null;
            case ContextKind.Emotion:
                return PlaylistNames.IsKnownEmotion(value) ? null : $"An emotion is one of: {string.Join(", ", PlaylistNames.Emotions)}.";
            case ContextKind.Activity:
                var activity = value?.Trim() ?? "";
                return activity.Length is > 0 and <= 32 && activity.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
                    ? null
                    : "An activity is 1–32 letters, digits, '-' or '_' (e.g. running).";
            case ContextKind.Custom:
                return PlaylistContext.SplitWords(value).Count > 0 && value!.Length <= PlaylistContext.MaxValueLength
                    ? null
                    : $"A custom context is one or more keywords (at most {PlaylistContext.MaxValueLength} characters), e.g. \"focus, deep work\".";
            default:
                return "Unknown context kind.";
        }
    }

    /// <summary>The stored form of a valid mapping's value (labels lower-case, keywords trimmed).</summary>
    public static string Normalize(ContextKind kind, string? value) => kind switch
    {
        ContextKind.None => "",
        ContextKind.Custom => value!.Trim(),
        _ => PlaylistNames.Normalize(value!),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation loaded from {Path}: {Playlists} playlists with settings, {Banned} banned tracks, pinned {Pinned}")]
    private static partial void LogLoaded(ILogger logger, string path, int playlists, int banned, string? pinned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Curation entry for playlist '{Name}' ignored: {Error}")]
    private static partial void LogBadEntry(ILogger logger, string name, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Curation file {Path} cannot be read; starting without overrides and keeping the file aside at the next change")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation file {Path} was changed elsewhere; reloading it")]
    private static partial void LogExternalChange(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the curation file for outside changes failed; will try again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Curation file {Path} was changed on another node; reloading it")]
    private static partial void LogChangedElsewhere(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No curation: {Reason}")]
    private static partial void LogNoLibrary(ILogger logger, string reason);

    private sealed class CurationDocument
    {
        public int Version { get; set; } = FormatVersion;

        public string? PinnedPlaylist { get; set; }

        public List<string>? BannedTracks { get; set; }

        public Dictionary<string, PlaylistDocument>? Playlists { get; set; }
    }

    private sealed class PlaylistDocument
    {
        public ContextDocument? Context { get; set; }

        public List<string>? Dayparts { get; set; }
    }

    private sealed class ContextDocument
    {
        public ContextKind Kind { get; set; }

        public string? Value { get; set; }
    }
}
