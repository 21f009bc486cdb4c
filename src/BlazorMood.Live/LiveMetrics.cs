using System.Diagnostics.Metrics;
using BlazorMood.Diagnostics;

namespace BlazorMood.Live;

/// <summary>Instruments of the live webcam path, on the <see cref="BlazorMoodMeter"/>.</summary>
public sealed class LiveMetrics
{
    private readonly Counter<long> _framesAnalysed;
    private readonly Histogram<double> _frameLatency;
    private readonly Counter<long> _framesDropped;
    private readonly Counter<long> _framesRejected;

    public LiveMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        // The factory owns (and disposes) the meter; every project asking for this name gets the same one.
        var meter = meters.Create(BlazorMoodMeter.Name);
        _framesAnalysed = meter.CreateCounter<long>("blazormood.frames.analysed", "{frame}", "Live webcam frames analysed (faces detected and classified).");
        _frameLatency = meter.CreateHistogram<double>("blazormood.frame.latency", "ms", "Server time of one analysed live frame, from arrival to reply.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000, 2500] });
        _framesDropped = meter.CreateCounter<long>("blazormood.frames.dropped", "{frame}", "Live frames dropped by the per-stream rate gate (a client sending faster than Live:MaxFps).");
        _framesRejected = meter.CreateCounter<long>("blazormood.frames.rejected", "{frame}", "Live frames refused as too large or undecodable.");
    }

    public void FrameAnalysed(double latencyMs)
    {
        _framesAnalysed.Add(1);
        _frameLatency.Record(latencyMs);
    }

    public void FrameDropped() => _framesDropped.Add(1);

    public void FrameRejected(string reason) => _framesRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
}
