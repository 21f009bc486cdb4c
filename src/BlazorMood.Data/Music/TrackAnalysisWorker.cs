using System.Globalization;
using BlazorMood.Music;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Curation;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Music;

/// <summary>
/// Measures tracks the database has no features for (tempo, loudness, brightness), one at a time so a library import
/// never takes more than one core away from live inference, and stores each result as soon as it is known. A failure
/// is stored too, so a broken file is not decoded again until it changes. Every step (queued, progress, done, failed)
/// is reported to <see cref="TrackAnalysisNotifier"/>, which the Admin page shows live. The job engine decides when a
/// pass runs (<see cref="TrackAnalysisJob"/>, scheduled by <see cref="TrackAnalysisSchedule"/>); this class is what a
/// pass does.
/// </summary>
/// <remarks>
/// Several workers (nodes of one deployment) may share the database: each track is claimed first
/// (<see cref="TrackAnalysisClaims"/>) and only the worker that won the claim decodes it. The claim carries a lease
/// that the holder renews every third of <see cref="MusicPersistenceOptions.AnalysisLease"/> while ffmpeg runs (a
/// renewal rather than a lease as long as the longest decode: decoding time depends on the disk and the CPU, not only
/// on <c>Music:Analysis:MaxDuration</c>, and a short lease hands a dead worker's track on within minutes). Storing the
/// result ends the claim; stopping gives it back.
/// </remarks>
public sealed partial class TrackAnalysisWorker
{
    private readonly MusicLibrary _library;
    private readonly AudioAnalyzer _analyzer;
    private readonly LibraryImporter _importer;
    private readonly TrackAnalysisClaims _claims;
    private readonly MusicPersistenceOptions _options;
    private readonly TrackAnalysisNotifier _progress;
    private readonly TimeSpan _maxAnalysed;
    private readonly TimeProvider _time;
    private readonly ILogger<TrackAnalysisWorker> _logger;

    public TrackAnalysisWorker(MusicLibrary library, AudioAnalyzer analyzer, LibraryImporter importer,
        TrackAnalysisClaims claims, IOptions<MusicPersistenceOptions> options, TrackAnalysisNotifier progress,
        IOptions<MusicOptions> music, TimeProvider time, ILogger<TrackAnalysisWorker> logger)
    {
        _progress = progress;
        _maxAnalysed = music.Value.Analysis.MaxDuration;
        _time = time;
        _library = library;
        _analyzer = analyzer;
        _importer = importer;
        _claims = claims;
        _options = options.Value;
        _logger = logger;
        // Node, process and a random part: two workers never share an id, not even a restarted process and its predecessor.
        var node = Environment.MachineName.Length > 64 ? Environment.MachineName[..64] : Environment.MachineName;
        WorkerId = string.Create(CultureInfo.InvariantCulture, $"{node}/{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    /// <summary>What this worker writes into the claims it holds.</summary>
    public string WorkerId { get; }

    /// <summary>
    /// One pass: every track that needs analysis and that no live worker holds, claimed, measured and stored one after
    /// the other. Returns when none is left; throws <see cref="OperationCanceledException"/> on
    /// <paramref name="stoppingToken"/>, after giving back the claim it held.
    /// </summary>
    public async Task AnalyzePendingAsync(CancellationToken stoppingToken)
    {
        var pending = await _claims.FindClaimableAsync(stoppingToken);
        if (pending.Count == 0)
        {
            return;
        }
        LogPending(_logger, pending.Count, WorkerId);
        foreach (var id in pending)
        {
            if (_progress.Find(id) is not { Phase: TrackAnalysisPhase.Queued or TrackAnalysisPhase.Analysing })
            {
                _progress.Report(new TrackAnalysisUpdate(id, TrackAnalysisPhase.Queued, 0, null, null, _time.GetUtcNow()));
            }
        }
        var reloaded = false;
        foreach (var id in pending)
        {
            stoppingToken.ThrowIfCancellationRequested();
            // The file path comes from the current snapshot. A track another node imported may be newer than this
            // node's snapshot (the library is a shared volume whose changes a watcher here may never see): the files
            // are read again once per pass. A track still not there is gone and skipped.
            var track = _library.Current.FindTrack(id);
            if (track is null && !reloaded)
            {
                reloaded = true;
                await _library.ReloadAsync(stoppingToken);
                track = _library.Current.FindTrack(id);
            }
            if (track is null)
            {
                continue;
            }
            if (!await _claims.TryClaimAsync(id, WorkerId, _options.AnalysisLease, stoppingToken))
            {
                // Another worker took it (or measured it) since the list was read.
                LogClaimedElsewhere(_logger, id);
                continue;
            }
            await AnalyzeClaimedAsync(track, stoppingToken);
        }
    }

    private async Task AnalyzeClaimedAsync(Track track, CancellationToken stoppingToken)
    {
        var settled = false;
        try
        {
            using var claimLost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var analysed = new CancellationTokenSource();
            var renewal = RenewWhileAnalysingAsync(track.Id, claimLost, analysed.Token);
            (AudioFeatures? Features, string? Error) outcome;
            try
            {
                outcome = await MeasureAsync(track, claimLost.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The claim was lost while decoding: the track is someone else's (or new audio) now; nothing is stored.
                settled = true;
                _progress.Report(new TrackAnalysisUpdate(track.Id, TrackAnalysisPhase.Queued, 0, null, null, _time.GetUtcNow()));
                return;
            }
            finally
            {
                await analysed.CancelAsync();
                await renewal;
            }

            var (features, error) = outcome;
            var stored = await _importer.StoreAnalysisAsync(track.Id, WorkerId, features, error, stoppingToken);
            settled = true;
            if (!stored.Stored)
            {
                LogResultDiscarded(_logger, track.Id, WorkerId);
                return;
            }
            if (error is not null)
            {
                LogAnalysisFailed(_logger, track.Id, track.RelativePath, error, WorkerId);
            }
            else
            {
                LogAnalyzed(_logger, track.Id, track.RelativePath, features!.Bpm, features.EnergyDb, features.BrightnessHz, WorkerId);
            }
            // Reported after the store, so whoever reacts to it already sees the features in the library.
            _progress.Report(error is null
                ? new TrackAnalysisUpdate(track.Id, TrackAnalysisPhase.Done, 1, stored.Features?.Bpm ?? features?.Bpm, null, _time.GetUtcNow())
                : new TrackAnalysisUpdate(track.Id, TrackAnalysisPhase.Failed, 1, null, error, _time.GetUtcNow()));
        }
        finally
        {
            if (!settled)
            {
                await ReleaseAsync(track.Id);
            }
        }
    }

    /// <summary>Decodes and measures the track; a file that cannot be analysed comes back as an error, not an exception.</summary>
    private async Task<(AudioFeatures? Features, string? Error)> MeasureAsync(Track track, CancellationToken cancellationToken)
    {
        try
        {
            // An empty file cannot decode; saying so without starting ffmpeg matters for generated libraries of
            // placeholder files (the HTTP benchmark's 10,000).
            if (new FileInfo(track.FullPath) is { Exists: true, Length: 0 })
            {
                return (null, "The audio file is empty.");
            }
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
            return (await _analyzer.AnalyzeAsync(track.FullPath, progress, cancellationToken), null);
        }
        catch (Exception ex) when (ex is AudioAnalysisException or IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>Renews the claim every third of the lease until <paramref name="analysed"/>; cancels <paramref name="claimLost"/> when the claim is gone.</summary>
    private async Task RenewWhileAnalysingAsync(string trackId, CancellationTokenSource claimLost, CancellationToken analysed)
    {
        var every = _options.AnalysisLease / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, _time, analysed);
                bool held;
                try
                {
                    held = await _claims.RenewAsync(trackId, WorkerId, _options.AnalysisLease, analysed);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A database hiccup: keep decoding; the store's condition decides whether the result still counts.
                    LogRenewFailed(_logger, ex, trackId);
                    continue;
                }
                if (!held)
                {
                    LogClaimLost(_logger, trackId, WorkerId);
                    await claimLost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (analysed.IsCancellationRequested)
        {
            // Decoding ended.
        }
    }

    /// <summary>Gives the track back on stop or an unexpected error, so another worker need not wait for the lease.</summary>
    private async Task ReleaseAsync(string trackId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            await _claims.ReleaseAsync(trackId, WorkerId, timeout.Token);
        }
        catch (Exception ex)
        {
            // The lease expires anyway; another worker takes the track then.
            LogReleaseFailed(_logger, ex, trackId);
        }
    }

    /// <summary>Calls the handler on the reporting thread (<see cref="Progress{T}"/> would post to the thread pool and reorder reports).</summary>
    private sealed class InlineProgress(Action<double> handler) : IProgress<double>
    {
        public void Report(double value) => handler(value);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Analysing up to {Count} tracks without stored features (worker {WorkerId})")]
    private static partial void LogPending(ILogger logger, int count, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Analysed track {TrackId} ({Path}): {Bpm} BPM, {EnergyDb} dBFS, {BrightnessHz} Hz (worker {WorkerId})")]
    private static partial void LogAnalyzed(ILogger logger, string trackId, string path, double? bpm, double energyDb, double brightnessHz, string workerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analysis of track {TrackId} ({Path}) failed: {Error} (worker {WorkerId})")]
    private static partial void LogAnalysisFailed(ILogger logger, string trackId, string path, string error, string workerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Track {TrackId} is claimed by another worker or no longer needs analysis")]
    private static partial void LogClaimedElsewhere(ILogger logger, string trackId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId} lost its claim on track {TrackId} while analysing it (lease taken over, or the file changed); stopped")]
    private static partial void LogClaimLost(ILogger logger, string trackId, string workerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId} no longer held track {TrackId} when storing its analysis; the result was discarded")]
    private static partial void LogResultDiscarded(ILogger logger, string trackId, string workerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the analysis claim on track {TrackId} failed; analysis goes on")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string trackId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the analysis claim on track {TrackId} failed; it is taken over when its lease expires")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string trackId);
}
