using BlazorMood.Music;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Music;

/// <summary>
/// Measures tracks the database has no features for (tempo, loudness, brightness), one at a time so a library import
/// never takes more than one core away from live inference, and stores each result as soon as it is known. A failure
/// is stored too, so a broken file is not decoded again until it changes. Every step (queued, progress, done, failed)
/// is reported to <see cref="TrackAnalysisNotifier"/>, which the Admin page shows live.
/// </summary>
public sealed partial class TrackAnalysisService : BackgroundService
{
    private readonly IDbContextFactory<BlazorMoodDbContext> _contexts;
    private readonly MusicLibrary _library;
    private readonly AudioAnalyzer _analyzer;
    private readonly LibraryImporter _importer;
    private readonly TrackAnalysisSignal _signal;
    private readonly MusicPersistenceOptions _options;
    private readonly TrackAnalysisNotifier _progress;
    private readonly TimeSpan _maxAnalysed;
    private readonly TimeProvider _time;
    private readonly ILogger<TrackAnalysisService> _logger;

    public TrackAnalysisService(IDbContextFactory<BlazorMoodDbContext> contexts, MusicLibrary library, AudioAnalyzer analyzer, LibraryImporter importer,
        TrackAnalysisSignal signal, IOptions<MusicPersistenceOptions> options, TrackAnalysisNotifier progress, IOptions<MusicOptions> music,
        TimeProvider time, ILogger<TrackAnalysisService> logger)
    {
        _progress = progress;
        _maxAnalysed = music.Value.Analysis.MaxDuration;
        _time = time;
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
            if (_progress.Find(id) is not { Phase: TrackAnalysisPhase.Queued or TrackAnalysisPhase.Analysing })
            {
                _progress.Report(new TrackAnalysisUpdate(id, TrackAnalysisPhase.Queued, 0, null, null, _time.GetUtcNow()));
            }
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
                // Progress is the share of what will be decoded (analysis stops at MaxDuration), reported in 5 % steps.
                var expected = Math.Min(track.DurationSeconds > 0 ? track.DurationSeconds : _maxAnalysed.TotalSeconds, _maxAnalysed.TotalSeconds);
                var reported = -1.0;
                _progress.Report(new TrackAnalysisUpdate(track.Id, TrackAnalysisPhase.Analysing, 0, null, null, _time.GetUtcNow()));
                var progress = new InlineProgress(seconds =>
                {
                    var share = Math.Clamp(seconds / Math.Max(expected, 0.1), 0, 1);
                    if (share - reported >= 0.05)
                    {
                        reported = share;
                        _progress.Report(new TrackAnalysisUpdate(track.Id, TrackAnalysisPhase.Analysing, share, null, null, _time.GetUtcNow()));
                    }
                });
                features = await _analyzer.AnalyzeAsync(track.FullPath, progress, stoppingToken);
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
        var stored = await _importer.StoreAnalysisAsync(track.Id, features, error, stoppingToken);
        // Reported after the store, so whoever reacts to it already sees the features in the library.
        _progress.Report(error is null
            ? new TrackAnalysisUpdate(track.Id, TrackAnalysisPhase.Done, 1, stored?.Bpm ?? features?.Bpm, null, _time.GetUtcNow())
            : new TrackAnalysisUpdate(track.Id, TrackAnalysisPhase.Failed, 1, null, error, _time.GetUtcNow()));
    }

    /// <summary>Calls the handler on the reporting thread (<see cref="Progress{T}"/> would post to the thread pool and reorder reports).</summary>
    private sealed class InlineProgress(Action<double> handler) : IProgress<double>
    {
        public void Report(double value) => handler(value);
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
