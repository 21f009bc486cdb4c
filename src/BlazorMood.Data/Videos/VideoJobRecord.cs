namespace BlazorMood.Data.Videos;

/// <summary>State of an uploaded clip's analysis job, stored as its name.</summary>
public enum VideoJobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>
/// One uploaded clip and its analysis. The row is the job: a worker claims a queued row with one conditional UPDATE
/// (state and lease), so a job survives restarts and can later be shared between several workers.
/// </summary>
public sealed class VideoJobRecord
{
    public const int MaxOwnerIdLength = 64;
    public const int MaxFileNameLength = 200;
    public const int MaxStorageNameLength = 64;
    public const int MaxStageLength = 32;
    public const int MaxErrorLength = 1000;
    public const int MaxErrorCodeLength = 32;
    public const int MaxWorkerIdLength = 128;

    public Guid Id { get; set; }

    /// <summary>Who uploaded it: the signed-in account's id, as <c>OwnerIdentity</c> resolves it.</summary>
    public required string OwnerId { get; set; }

    /// <summary>
    /// Never written: from before accounts, when <see cref="OwnerId"/> was an anonymous session; <see cref="OwnerId"/>
    /// holds the account id now. The column stays until a migration drops it.
    /// </summary>
    public string? UserId { get; set; }

    /// <summary>The client's file name, sanitised and shortened, for display only: it is never part of a path.</summary>
    public required string FileName { get; set; }

    /// <summary>Server-generated folder (under the uploads root) holding the input and the outputs.</summary>
    public required string StorageName { get; set; }

    public long SizeBytes { get; set; }

    public VideoJobState State { get; set; }

    /// <summary>Times a worker started the job.</summary>
    public int Attempts { get; set; }

    /// <summary>Message safe to show to the uploader when the job failed.</summary>
    public string? Error { get; set; }

    /// <summary>Machine-readable reason of a failure (e.g. <c>truncated</c>, <c>interrupted</c>).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>Overall fraction done, 0..1 (persisted about once a second while running).</summary>
    public double Progress { get; set; }

    /// <summary>The earliest unfinished pipeline stage while running.</summary>
    public string? Stage { get; set; }

    /// <summary>Every stage's fraction as JSON (<c>[{"name":"decoding","fraction":0.5},…]</c>).</summary>
    public string? StagesJson { get; set; }

    public double? EtaSeconds { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime? StartedUtc { get; set; }

    public DateTime? FinishedUtc { get; set; }

    /// <summary>Last sign of life of the worker running it.</summary>
    public DateTime? HeartbeatUtc { get; set; }

    /// <summary>Set by a cancel request; the worker running the job (in this or another process) stops it.</summary>
    public bool CancelRequested { get; set; }

    /// <summary>Worker holding the job (process + slot); null when nobody does.</summary>
    public string? WorkerId { get; set; }

    /// <summary>Until when the worker's claim holds; renewed with the heartbeat, so another worker may take over an expired one.</summary>
    public DateTime? LeaseExpiresUtc { get; set; }

    /// <summary>Clip length from ffprobe.</summary>
    public double? DurationSeconds { get; set; }

    public int? Width { get; set; }

    public int? Height { get; set; }

    /// <summary>Steps a minute over the clip's gait segments.</summary>
    public double? CadenceSpm { get; set; }

    /// <summary>Timeline as JSON (<c>[{"start":0,"end":2.5,"activity":"walking","confidence":0.8,"cadenceSpm":104}]</c>).</summary>
    public string? SegmentsJson { get; set; }

    /// <summary>
    /// Times (seconds into the clip) where the person went from upright to the floor within a second, as a JSON array;
    /// null for jobs analysed before falls were recorded, <c>[]</c> when none was seen.
    /// </summary>
    public string? FallsJson { get; set; }

    /// <summary>Activities seen, longest first, as a JSON array of labels.</summary>
    public string? ActivitiesJson { get; set; }

    /// <summary>The annotated MP4 exists in the job's folder.</summary>
    public bool HasAnnotatedVideo { get; set; }

    /// <summary>When retention removed the uploaded input.</summary>
    public DateTime? InputDeletedUtc { get; set; }

    /// <summary>When retention removed the outputs (annotated video): the API reports the video as expired from then on.</summary>
    public DateTime? OutputsDeletedUtc { get; set; }
}
