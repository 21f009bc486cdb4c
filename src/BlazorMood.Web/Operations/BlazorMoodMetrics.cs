using System.Diagnostics.Metrics;
using BlazorMood.Data;
using BlazorMood.Data.Videos;
using Microsoft.EntityFrameworkCore;

namespace BlazorMood.Web.Operations;

/// <summary>
/// The app's own instruments, all on one meter (<see cref="MeterName"/>) that the Prometheus endpoint exports.
/// Names follow OpenTelemetry conventions; the exporter turns them into Prometheus names (dots become underscores,
/// the unit and <c>_total</c> are appended: <c>blazormood_frames_analysed_total</c>, <c>blazormood_frame_latency_milliseconds</c>…).
/// </summary>
public sealed partial class BlazorMoodMetrics : IDisposable
{
    public const string MeterName = "BlazorMood";

    private readonly Meter _meter;
    private readonly Counter<long> _framesAnalysed;
    private readonly Histogram<double> _frameLatency;
    private readonly Counter<long> _framesDropped;
    private readonly Counter<long> _framesRejected;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _jobFailures;
    private readonly UpDownCounter<long> _activeCircuits;
    private readonly IDbContextFactory<BlazorMoodDbContext> _database;
    private readonly ILogger<BlazorMoodMetrics> _logger;

    public BlazorMoodMetrics(IMeterFactory meters, IDbContextFactory<BlazorMoodDbContext> database, ILogger<BlazorMoodMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _database = database;
        _logger = logger;
        _meter = meters.Create(MeterName);
        _framesAnalysed = _meter.CreateCounter<long>("blazormood.frames.analysed", "{frame}", "Live webcam frames analysed (faces detected and classified).");
        _frameLatency = _meter.CreateHistogram<double>("blazormood.frame.latency", "ms", "Server time of one analysed live frame, from arrival to reply.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000, 2500] });
        _framesDropped = _meter.CreateCounter<long>("blazormood.frames.dropped", "{frame}", "Live frames dropped by the per-stream rate gate (a client sending faster than Live:MaxFps).");
        _framesRejected = _meter.CreateCounter<long>("blazormood.frames.rejected", "{frame}", "Live frames refused as too large or undecodable.");
        _jobDuration = _meter.CreateHistogram<double>("blazormood.video.job.duration", "s", "Wall time of one video job run, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200] });
        _jobFailures = _meter.CreateCounter<long>("blazormood.video.job.failures", "{job}", "Video job runs that ended failed, by error code.");
        _activeCircuits = _meter.CreateUpDownCounter<long>("blazormood.circuits.active", "{circuit}", "Blazor Server circuits open on this node.");
        _meter.CreateObservableGauge("blazormood.video.queue.depth", ObserveQueue, "{job}", "Video jobs waiting (state=queued) or being analysed (state=running), from the shared jobs table.");
    }

    public void FrameAnalysed(double latencyMs)
    {
        _framesAnalysed.Add(1);
        _frameLatency.Record(latencyMs);
    }

    public void FrameDropped() => _framesDropped.Add(1);

    public void FrameRejected(string reason) => _framesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One finished job run: <paramref name="outcome"/> is succeeded, failed, cancelled or requeued.</summary>
    public void JobFinished(string outcome, TimeSpan duration, string? errorCode = null)
    {
        _jobDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == "failed")
        {
            _jobFailures.Add(1, new KeyValuePair<string, object?>("error.code", errorCode ?? "unknown"));
        }
    }

    public void CircuitOpened() => _activeCircuits.Add(1);

    public void CircuitClosed() => _activeCircuits.Add(-1);

    /// <summary>Runs at scrape time: one grouped count over the jobs table (shared by every node, so every node reports the same queue).</summary>
    private IEnumerable<Measurement<long>> ObserveQueue()
    {
        Dictionary<VideoJobState, int> counts;
        try
        {
            using var db = _database.CreateDbContext();
            counts = db.VideoJobs.AsNoTracking()
                .Where(j => j.State == VideoJobState.Queued || j.State == VideoJobState.Running)
                .GroupBy(j => j.State)
                .Select(g => new { State = g.Key, Count = g.Count() })
                .ToDictionary(x => x.State, x => x.Count);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A scrape must not fail because the database is briefly unreachable; /readyz reports that.
            LogQueueUnavailable(_logger, e);
            return [];
        }
        return
        [
            new(counts.GetValueOrDefault(VideoJobState.Queued), new KeyValuePair<string, object?>("state", "queued")),
            new(counts.GetValueOrDefault(VideoJobState.Running), new KeyValuePair<string, object?>("state", "running")),
        ];
    }

    public void Dispose() => _meter.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video queue depth could not be read for the metrics")]
    private static partial void LogQueueUnavailable(ILogger logger, Exception exception);
}
