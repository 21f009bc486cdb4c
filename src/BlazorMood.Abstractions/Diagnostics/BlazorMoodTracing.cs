using System.Diagnostics;

namespace BlazorMood.Diagnostics;

/// <summary>
/// The app's OpenTelemetry trace source. A video job's run and every call on a live frame stream is a span whose tags
/// say what it belongs to (<see cref="IdKey"/>: the job's id or the hub connection's; <see cref="KindKey"/>). The hosts
/// turn on <c>ActivityTrackingOptions.Tags</c>, so every log line written inside the span carries both as a scope, and
/// the exporter puts the span in one trace with the ASP.NET Core, EF Core, HttpClient and Redis spans under it: a
/// stream's or a job's lines and spans can be found across nodes by the same id.
/// </summary>
public static class BlazorMoodTracing
{
    /// <summary>The <see cref="ActivitySource"/> name the hosts subscribe to.</summary>
    public const string SourceName = "BlazorMood";

    public const string IdKey = "CorrelationId";
    public const string KindKey = "CorrelationKind";

    /// <summary>Kind of a live webcam stream's spans; the id is the hub connection's.</summary>
    public const string FrameStream = "frame-stream";

    /// <summary>Kind of a video job's span; the id is the job's.</summary>
    public const string VideoJob = "video-job";

    // One source for the process, as System.Diagnostics intends: listeners (the OpenTelemetry SDK) subscribe by name.
    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for one run of a video job (null when no listener is attached, e.g. in a bare test host).</summary>
    public static Activity? StartVideoJob(string jobId) => Start("video-job run", ActivityKind.Consumer, VideoJob, jobId);

    /// <summary>A span for one call on a live frame stream: <paramref name="operation"/> is the hub method.</summary>
    public static Activity? StartFrameStream(string operation, string connectionId) =>
        Start($"frame-stream {operation}", ActivityKind.Server, FrameStream, connectionId);

    private static Activity? Start(string name, ActivityKind kind, string correlationKind, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Source.StartActivity(name, kind, parentContext: default, tags: [new(IdKey, id), new(KindKey, correlationKind)]);
    }
}
