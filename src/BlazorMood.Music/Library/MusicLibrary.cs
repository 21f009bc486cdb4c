using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Library;

/// <summary>
/// Holds the library snapshot and keeps it fresh: a <see cref="FileSystemWatcher"/> on the library root restarts a
/// debounce timer on every event, and the reload runs once the folder has been quiet for
/// <see cref="MusicOptions.ReloadDebounce"/>. Reloads are serialised; readers swap to the new snapshot atomically.
/// </summary>
public sealed class MusicLibrary : IMusicLibrary, IDisposable
{
    private readonly PlaylistLoader _loader;
    private readonly MusicOptions _options;
    private readonly ILogger<MusicLibrary> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private LibrarySnapshot? _current;
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;

    public MusicLibrary(PlaylistLoader loader, IOptions<MusicOptions> options, ILogger<MusicLibrary> logger, TimeProvider time)
    {
        _loader = loader;
        _options = options.Value;
        _logger = logger;
        _time = time;
    }

    public event EventHandler<LibrarySnapshot>? Reloaded;

    /// <summary>Absolute library root (relative <see cref="MusicOptions.LibraryPath"/> is resolved by <c>AddMusic</c>).</summary>
    public string RootPath => Path.GetFullPath(_options.LibraryPath);

    public LibrarySnapshot Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            if (current is not null)
            {
                return current;
            }
            lock (_gate)
            {
                if (_current is null)
                {
                    Volatile.Write(ref _current, _loader.Load(RootPath, _options.MaxMetadataBytes));
                    StartWatching();
                }
                return _current;
            }
        }
    }

    public async Task<LibrarySnapshot> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken);
        LibrarySnapshot snapshot;
        try
        {
            // Loading is synchronous file I/O; run it off the caller's thread (the watcher timer or a request).
            snapshot = await Task.Run(() => _loader.Load(RootPath, _options.MaxMetadataBytes, cancellationToken), cancellationToken);
            Volatile.Write(ref _current, snapshot);
        }
        finally
        {
            _reloadGate.Release();
        }
        lock (_gate)
        {
            StartWatching();
        }
        Reloaded?.Invoke(this, snapshot);
        return snapshot;
    }

    private void StartWatching()
    {
        if (!_options.WatchForChanges || _watcher is not null || _disposed.IsCancellationRequested || !Directory.Exists(RootPath))
        {
            return;
        }
        try
        {
            var watcher = new FileSystemWatcher(RootPath)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnChanged;
            // A buffer overflow means events were lost: reload anyway rather than miss a change.
            watcher.Error += (_, e) =>
            {
                _logger.LogWarning(e.GetException(), "Music library watcher error; scheduling a full reload");
                Schedule();
            };
            _debounce = _time.CreateTimer(_ => _ = ReloadFromWatcherAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
            _logger.LogInformation("Watching {Root} for music library changes", RootPath);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // inotify limits can be exhausted on busy hosts; the library still works, it just will not auto-reload.
            _logger.LogWarning(ex, "Cannot watch {Root}; the music library will not reload on changes", RootPath);
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        // Hidden entries are never part of the library (the loader skips them): temp files of atomic writes, the
        // curation state folder and uploads being streamed, whose writes would otherwise keep postponing the reload.
        if (IsHidden(e.FullPath) && (e is not RenamedEventArgs renamed || IsHidden(renamed.OldFullPath)))
        {
            return;
        }
        _logger.LogDebug("Music library change {ChangeType} {Path}", e.ChangeType, e.FullPath);
        Schedule();
    }

    private bool IsHidden(string path) =>
        Path.GetRelativePath(RootPath, path).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.') && part is not ("." or ".."));

    private void Schedule()
    {
        lock (_gate)
        {
            if (!_disposed.IsCancellationRequested)
            {
                _debounce?.Change(_options.ReloadDebounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private async Task ReloadFromWatcherAsync()
    {
        try
        {
            await ReloadAsync(_disposed.Token);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Timer callbacks have no caller to report to; log and keep the previous snapshot.
            _logger.LogError(ex, "Music library reload failed; keeping the previous snapshot");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            _disposed.Cancel();
            _watcher?.Dispose();
            _debounce?.Dispose();
        }
        _disposed.Dispose();
        _reloadGate.Dispose();
    }
}
