using System.Threading.Channels;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Data.Music;

/// <summary>
/// Imports the music library while the host starts and after every reload of the files, then asks for the new
/// tracks to be analysed (<see cref="ITrackAnalysisTrigger"/>: at once where this node analyses, else nothing).
/// Reloads queue in a one-slot channel that keeps only the newest snapshot: an import of an older one would be
/// overwritten by the next anyway.
/// </summary>
public sealed partial class LibraryImportService : BackgroundService
{
    private readonly MusicLibrary _library;
    private readonly LibraryImporter _importer;
    private readonly ITrackAnalysisTrigger _analysis;
    private readonly ILogger<LibraryImportService> _logger;
    private readonly Channel<LibrarySnapshot> _reloads = Channel.CreateBounded<LibrarySnapshot>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public LibraryImportService(MusicLibrary library, LibraryImporter importer, ITrackAnalysisTrigger analysis, ILogger<LibraryImportService> logger)
    {
        _library = library;
        _importer = importer;
        _analysis = analysis;
        _logger = logger;
        // Subscribed before the first load, so no reload can slip between the initial import and the loop.
        _library.Reloaded += OnReloaded;
    }

    private void OnReloaded(object? sender, LibrarySnapshot snapshot) => _reloads.Writer.TryWrite(snapshot);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The first import runs before the host reports started: the database agrees with the files before the first
        // request, and its one-off cost (EF Core's first queries, thousands of inserts for a new large library) is not
        // paid on two shared cores while requests are being served. A failure is logged and start-up goes on.
        var initial = await Task.Run(() => _library.Current, cancellationToken);
        await ImportAsync(initial, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var snapshot in _reloads.Reader.ReadAllAsync(stoppingToken))
        {
            await ImportAsync(snapshot, stoppingToken);
        }
    }

    private async Task ImportAsync(LibrarySnapshot snapshot, CancellationToken stoppingToken)
    {
        try
        {
            await _importer.ImportAsync(snapshot, stoppingToken);
            await _analysis.RunNowAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // A failed import (locked or full disk) must not stop the host or later imports; the files still serve.
            LogImportFailed(_logger, ex, snapshot.RootPath);
        }
    }

    public override void Dispose()
    {
        _library.Reloaded -= OnReloaded;
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Importing the music library at {Root} into the database failed; will retry on the next change")]
    private static partial void LogImportFailed(ILogger logger, Exception exception, string root);
}
