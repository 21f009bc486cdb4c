using System.Diagnostics.Metrics;
using BlazorMood.Data;
using BlazorMood.Data.Videos;
using BlazorMood.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace BlazorMood.VideoJobs;

/// <summary>
/// Instruments of the video jobs, on the <see cref="BlazorMoodMeter"/>: run durations and failures (on the node that
/// runs a job) and the queue depth (read from the shared jobs table at scrape time, so every node reports the same
/// queue). A hosted service only so that the host creates it at start: the gauge is there from the first scrape.
/// </summary>
public sealed partial class VideoJobMetrics : IHostedService
{
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _jobFailures;
    private readonly IDbContextFactory<BlazorMoodDbContext> _database;
    private readonly ILogger<VideoJobMetrics> _logger;

    public VideoJobMetrics(IMeterFactory meters, IDbContextFactory<BlazorMoodDbContext> database, ILogger<VideoJobMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _database = database;
        _logger = logger;
        // The factory owns (and disposes) the meter; every project asking for this name gets the same one.
        var meter = meters.Create(BlazorMoodMeter.Name);
        _jobDuration = meter.CreateHistogram<double>("blazormood.video.job.duration", "s", "Wall time of one video job run, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200] });
        _jobFailures = meter.CreateCounter<long>("blazormood.video.job.failures", "{job}", "Video job runs that ended failed, by error code.");
        meter.CreateObservableGauge("blazormood.video.queue.depth", ObserveQueue, "{job}", "Video jobs waiting (state=queued) or being analysed (state=running), from the shared jobs table.");
    }

    /// <summary>One finished job run: <paramref name="outcome"/> is succeeded, failed, cancelled or requeued.</summary>
    public void JobFinished(string outcome, TimeSpan duration, string? errorCode = null)
    {
        _jobDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == "failed")
        {
            _jobFailures.Add(1, new KeyValuePair<string, object?>("error.code", errorCode ?? "unknown"));
        }
    }

    /// <summary>Runs at scrape time: one grouped count over the jobs table.</summary>
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

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video queue depth could not be read for the metrics")]
    private static partial void LogQueueUnavailable(ILogger logger, Exception exception);
}
