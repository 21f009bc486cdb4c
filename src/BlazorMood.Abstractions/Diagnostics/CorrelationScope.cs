using System.Collections;

namespace BlazorMood.Diagnostics;

/// <summary>
/// A logging scope that tags every entry written inside it with a correlation id: one per live frame stream (the hub
/// connection) and one per video job (the job id), so a stream's or a job's entries can be found across nodes.
/// Structured providers (the JSON console formatter, OpenTelemetry) see the two properties; the simple console
/// formatter prints <see cref="ToString"/>.
/// </summary>
public sealed class CorrelationScope : IReadOnlyList<KeyValuePair<string, object>>
{
    public const string IdKey = "CorrelationId";
    public const string KindKey = "CorrelationKind";

    /// <summary>Kind of a live webcam stream's scope; the id is the hub connection's.</summary>
    public const string FrameStream = "frame-stream";

    /// <summary>Kind of a video job's scope; the id is the job's.</summary>
    public const string VideoJob = "video-job";

    private CorrelationScope(string kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    public string Kind { get; }

    public string Id { get; }

    public int Count => 2;

    public KeyValuePair<string, object> this[int index] => index switch
    {
        0 => new(IdKey, Id),
        1 => new(KindKey, Kind),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public static IDisposable? Begin(ILogger logger, string kind, string id)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new CorrelationScope(kind, id));
    }

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{Kind} {Id}";
}
