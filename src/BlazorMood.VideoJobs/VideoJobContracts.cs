using System.Text.Json.Serialization;


namespace BlazorMood.VideoJobs;

/// <summary>Life of an uploaded clip's analysis. Serialised as lower-case strings (<c>"queued"</c> …).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VideoJobStatus>))]
public enum VideoJobStatus
{
    [JsonStringEnumMemberName("queued")]
    Queued,

    [JsonStringEnumMemberName("running")]
    Running,

    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    [JsonStringEnumMemberName("failed")]
    Failed,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

/// <summary>One pipeline stage (probe, decode, detect, classify, encode …) and how far it is, 0..1.</summary>
public sealed record VideoStageDto(string Name, double Fraction);

/// <summary>One stretch of the activity timeline, in seconds from the clip's start.</summary>
public sealed record VideoSegmentDto(double Start, double End, string Activity, double Confidence, double? CadenceSpm);

/// <summary>What the API and the Upload tab show of a job.</summary>
/// <param name="Progress">Overall fraction done, 0..1.</param>
/// <param name="Stage">The earliest unfinished stage while running; null otherwise.</param>
/// <param name="Activities">Activities seen in the clip, longest first (empty until it succeeded).</param>
/// <param name="CadenceSpm">Steps a minute over the clip's gait segments, when it had any.</param>
/// <param name="Attempts">Times a worker started the job (a restart mid-run re-queues it and counts again).</param>
/// <param name="HasAnnotatedVideo">The annotated MP4 can be fetched now (false before success and once retention removed it).</param>
public sealed record VideoJobDto(
    Guid Id,
    string FileName,
    VideoJobStatus Status,
    double Progress,
    string? Stage,
    IReadOnlyList<VideoStageDto> Stages,
    double? EtaSeconds,
    string? Error,
    double? DurationSeconds,
    IReadOnlyList<string> Activities,
    IReadOnlyList<VideoSegmentDto> Segments,
    double? CadenceSpm,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    bool HasAnnotatedVideo)
{
    /// <summary>Machine-readable reason of a failure (<c>truncated</c>, <c>interrupted</c>, <c>internal</c> …); null otherwise.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The annotated video existed and retention has removed it (the results stay).</summary>
    public bool VideoExpired { get; init; }

    /// <summary>When retention will remove the annotated video; null when there is none or it is already gone.</summary>
    public DateTimeOffset? VideoExpiresAt { get; init; }

    /// <summary>
    /// Seconds into the clip where the person seemed to fall (upright to the floor within a second, then staying
    /// down); empty when none was seen. A flag for a person to check, not a diagnosis: burpees and floor routines
    /// can look the same.
    /// </summary>
    public IReadOnlyList<double> Falls { get; init; } = [];
}

/// <summary>Uploaded clips and their analysis jobs, always scoped to one owner (another owner's job does not exist).</summary>
public interface IVideoJobs
{
    /// <summary>
    /// Streams <paramref name="content"/> to the job's own folder, validates it with ffprobe and queues it.
    /// Throws <see cref="VideoUploadException"/> for anything refused; nothing of a refused upload stays on disk.
    /// </summary>
    Task<VideoJobDto> SubmitAsync(string ownerId, string? clientFileName, Stream content, CancellationToken ct);

    Task<VideoJobDto?> GetAsync(string ownerId, Guid id, CancellationToken ct);

    /// <summary>The owner's jobs, newest first.</summary>
    Task<IReadOnlyList<VideoJobDto>> ListAsync(string ownerId, int max, CancellationToken ct);

    /// <summary>Cancels a queued or running job; false when there is no such job or it already finished.</summary>
    Task<bool> CancelAsync(string ownerId, Guid id, CancellationToken ct);

    /// <summary>Cancels the job if needed, then removes its files and its row; false when there is no such job.</summary>
    Task<bool> DeleteAsync(string ownerId, Guid id, CancellationToken ct);

    /// <summary>Full path of the annotated MP4, or null when there is none (not finished, failed, expired, not yours).</summary>
    Task<string?> GetAnnotatedVideoPathAsync(string ownerId, Guid id, CancellationToken ct);
}

/// <summary>Pushes job changes (≤ MaxProgressPerSecond per job, final state always) to in-process subscribers (Blazor components).</summary>
public interface IVideoJobNotifier
{
    /// <summary>Calls <paramref name="onChange"/> for every change of the owner's jobs until the result is disposed.</summary>
    IDisposable Subscribe(string ownerId, Func<VideoJobDto, Task> onChange);
}

/// <summary>An upload refused: <see cref="StatusCode"/> is the HTTP status, <see cref="ErrorCode"/> a stable machine-readable code.</summary>
public sealed class VideoUploadException(int statusCode, string errorCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string ErrorCode { get; } = errorCode;
}
