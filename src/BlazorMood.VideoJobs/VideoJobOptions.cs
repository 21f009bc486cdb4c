using System.ComponentModel.DataAnnotations;


namespace BlazorMood.VideoJobs;

/// <summary>Uploads, the job worker and retention, bound from the <c>VideoJobs</c> section. Clip limits are in <c>Video</c>.</summary>
public sealed class VideoJobOptions
{
    public const string SectionName = "VideoJobs";

    /// <summary>Folder holding one sub-folder per job (input and outputs); a relative path resolves against the content root.</summary>
    [Required]
    public string StoragePath { get; set; } = Path.Combine("data", "videos");

    /// <summary>Clips analysed at once. One run already keeps about two cores busy (decoder, models, encoder).</summary>
    [Range(1, 16)]
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>Starts of one job before it is failed: a job interrupted by crashes this often is taken as the cause.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Queued or running jobs one owner may have; another upload is refused with 429.</summary>
    [Range(1, 1000)]
    public int MaxActiveJobsPerOwner { get; set; } = 3;

    /// <summary>Queued jobs over all owners (each holds its upload on disk); another upload is refused with 503.</summary>
    [Range(1, 100_000)]
    public int MaxQueuedJobs { get; set; } = 50;

    /// <summary>How long the uploaded clip is kept after its job finished; zero deletes it at once.</summary>
    public TimeSpan InputRetention { get; set; } = TimeSpan.Zero;

    /// <summary>How long the annotated video is kept after its job finished; the results (timeline, cadence) stay.</summary>
    public TimeSpan OutputRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a finished job's row (its results) is kept; zero keeps it for ever.</summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Interval of the retention sweep (and of the check for jobs whose worker stopped renewing its lease).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>While a job runs: progress saved to its row, its lease renewed and a cancel from elsewhere noticed, this often.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a worker's claim holds without a heartbeat before the job counts as abandoned and is re-queued.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Name of this server in worker ids (default: the machine name). At start-up the jobs left running by an earlier
    /// process of the same name are re-queued at once; give every process sharing one database its own name.
    /// </summary>
    public string? NodeName { get; set; }

    /// <summary>
    /// A quiet <c>GET /api/videos/{id}/events</c> stream reads the job's row this often: it ends when the job was
    /// deleted, and sends a final state it was not told about (a relay message lost while Redis was down).
    /// </summary>
    public TimeSpan EventStreamRecheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest list <c>GET /api/videos</c> returns.</summary>
    [Range(1, 1000)]
    public int MaxListed { get; set; } = 100;
}
