using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Music;

/// <summary>
/// Measures tracks the database has no features for (tempo, loudness, brightness), one at a time so a library import
/// never takes more than one core away from live inference, and stores each result as soon as it is known. A failure
/// is stored too, so a broken file is not decoded again until it changes.
/// </summary>
public sealed partial class TrackAnalysisService : BackgroundService
{
    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly MusicLibrary _library;
    private readonly AudioAnalyzer _analyzer;
    private readonly LibraryImporter _importer;
    private readonly TrackAnalysisSignal _signal;
    private readonly MusicPersistenceOptions _options;
    private readonly ILogger<TrackAnalysisService> _logger;

    public TrackAnalysisService(IDbContextFactory<BlazorMoodDbContext> contexts, MusicLibrary library, AudioAnalyzer analyzer, LibraryImporter importer,
        TrackAnalysisSignal signal, IOptions<MusicPersistenceOptions> options, ILogger<TrackAnalysisService> logger)
    {
        _contexts = contexts;
        _library = library;
        _analyzer = analyzer;
        _importer = importer;
        _signal = signal;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.AnalyzeInBackground)
        {
            return;
        }
        while (true)
        {
            await _signal.WaitAsync(stoppingToken);
            try
            {
                await AnalyzePendingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database went away mid-pass; the next import wakes the worker again.
                LogPassFailed(_logger, ex);
            }
        }
    }

    private async Task AnalyzePendingAsync(CancellationToken stoppingToken)
    {
        List<string> pending;
        await using (var db = await _contexts.CreateDbContextAsync(stoppingToken))
        {
            pending = await db.Tracks.AsNoTracking()
                .Where(t => !t.Removed && t.AnalyzedAtUtc == null && t.AnalysisError == null && (t.Bpm == null || t.EnergyDb == null || t.BrightnessHz == null))
                .OrderBy(t => t.Id)
                .Select(t => t.Id)
                .ToListAsync(stoppingToken);
        }
        if (pending.Count > 0)
        {
            LogPending(_logger, pending.Count);
        }
        foreach (var id in pending)
        {
            stoppingToken.ThrowIfCancellationRequested();
            // The file path comes from the current snapshot: a track gone since the query is simply skipped.
            if (_library.Current.FindTrack(id) is not { } track)
            {
                continue;
            }
            await AnalyzeOneAsync(track, stoppingToken);
        }
    }

    private async Task AnalyzeOneAsync(Track track, CancellationToken stoppingToken)
    {
        AudioFeatures? features = null;
        string? error = null;
        try
        {
            // An empty file cannot decode; saying so without starting ffmpeg matters for generated libraries of
            // placeholder files (the HTTP benchmark's 10,000).
            if (new FileInfo(track.FullPath) is { Exists: true, Length: 0 })
            {
                error = "The audio file is empty.";
            }
            else
            {
                features = await _analyzer.AnalyzeAsync(track.FullPath, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is AudioAnalysisException or IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
        }
        if (error is not null)
        {
            LogAnalysisFailed(_logger, track.Id, track.RelativePath, error);
        }
        else
        {
            LogAnalyzed(_logger, track.Id, track.RelativePath, features!.Bpm, features.EnergyDb, features.BrightnessHz);
        }
        await _importer.StoreAnalysisAsync(track.Id, features, error, stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Analysing {Count} tracks without stored features")]
    private static partial void LogPending(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Analysed track {TrackId} ({Path}): {Bpm} BPM, {EnergyDb} dBFS, {BrightnessHz} Hz")]
    private static partial void LogAnalyzed(ILogger logger, string trackId, string path, double? bpm, double energyDb, double brightnessHz);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analysis of track {TrackId} ({Path}) failed: {Error}")]
    private static partial void LogAnalysisFailed(ILogger logger, string trackId, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Track analysis pass failed; waiting for the next import")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
