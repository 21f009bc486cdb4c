using System.Net;
using System.Text.Json;
using BlazorMood.Data.Videos;
using BlazorMood.Video;

namespace BlazorMood.VideoJobs;

/// <summary>Rows to DTOs, pipeline results to rows, and the error codes the API and the UI show.</summary>
internal static class VideoJobMapping
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The stages a job goes through, in order (the DTO always lists all of them).</summary>
    private static readonly PipelineStage[] Stages = [PipelineStage.Probing, PipelineStage.Decoding, PipelineStage.Pose, PipelineStage.Classifying, PipelineStage.Encoding];

    public static string StageName(PipelineStage stage) => stage.ToString().ToLowerInvariant();

    public static VideoJobStatus ToStatus(VideoJobState state) => state switch
    {
        VideoJobState.Queued => VideoJobStatus.Queued,
        VideoJobState.Running => VideoJobStatus.Running,
        VideoJobState.Succeeded => VideoJobStatus.Succeeded,
        VideoJobState.Failed => VideoJobStatus.Failed,
        VideoJobState.Cancelled => VideoJobStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool IsFinished(VideoJobState state) => state is VideoJobState.Succeeded or VideoJobState.Failed or VideoJobState.Cancelled;

    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static VideoJobDto ToDto(VideoJobRecord job, TimeSpan outputRetention)
    {
        var status = ToStatus(job.State);
        var hasVideo = job is { State: VideoJobState.Succeeded, HasAnnotatedVideo: true, OutputsDeletedUtc: null };
        var stages = status switch
        {
            VideoJobStatus.Succeeded => AllStages(1),
            VideoJobStatus.Running when Deserialize<VideoStageDto[]>(job.StagesJson) is { Length: > 0 } saved => saved,
            _ => AllStages(0),
        };
        return new VideoJobDto(
            job.Id,
            job.FileName,
            status,
            status == VideoJobStatus.Succeeded ? 1 : Math.Clamp(job.Progress, 0, 1),
            status == VideoJobStatus.Running ? job.Stage ?? StageName(PipelineStage.Probing) : null,
            stages,
            status == VideoJobStatus.Running ? job.EtaSeconds : null,
            job.Error,
            job.DurationSeconds,
            Deserialize<string[]>(job.ActivitiesJson) ?? [],
            Deserialize<VideoSegmentDto[]>(job.SegmentsJson) ?? [],
            job.CadenceSpm,
            job.Attempts,
            Utc(job.CreatedUtc),
            job.FinishedUtc is { } finished ? Utc(finished) : null,
            hasVideo)
        {
            ErrorCode = job.ErrorCode,
            VideoExpired = job is { State: VideoJobState.Succeeded, HasAnnotatedVideo: true, OutputsDeletedUtc: not null },
            VideoExpiresAt = hasVideo && job.FinishedUtc is { } end ? Utc(end) + outputRetention : null,
            Falls = status == VideoJobStatus.Succeeded ? Deserialize<double[]>(job.FallsJson) ?? [] : [],
        };
    }

    public static VideoStageDto[] AllStages(double fraction) => Stages.Select(s => new VideoStageDto(StageName(s), fraction)).ToArray();

    /// <summary>A pipeline progress report as the DTO's stage list (every stage, in order; fractions rounded for the wire).</summary>
    public static VideoStageDto[] ToStages(PipelineProgress progress) =>
        Stages.Select(s => new VideoStageDto(StageName(s), Math.Round(progress.Stages.GetValueOrDefault(s), 4))).ToArray();

    public static VideoSegmentDto ToSegment(ActivitySegment segment) => new(
        Math.Round(segment.Start, 3),
        Math.Round(segment.End, 3),
        segment.Label,
        Math.Round(segment.Confidence, 3),
        segment.CadenceSpm is { } c ? Math.Round(c, 1) : null);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static T? Deserialize<T>(string? json) where T : class
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json);
        }
        catch (JsonException)
        {
            // A row edited by hand (or by a future version) must not break the whole list.
            return null;
        }
    }

    /// <summary>The stable, machine-readable code of a clip problem (API <c>errorCode</c>, DTO <see cref="VideoJobDto.ErrorCode"/>).</summary>
    public static string ErrorCode(VideoError error) => error switch
    {
        VideoError.Empty => "empty",
        VideoError.TooLarge => "too_large",
        VideoError.NotAVideo => "not_a_video",
        VideoError.Corrupt => "corrupt",
        VideoError.Truncated => "truncated",
        VideoError.TooLong => "too_long",
        VideoError.BadResolution => "bad_resolution",
        VideoError.Timeout => "timeout",
        VideoError.NotFound => "missing",
        _ => "unreadable",
    };

    /// <summary>
    /// HTTP status of an upload refused for <paramref name="error"/>: 400 for an empty body, 413 over the byte cap,
    /// 415 for what is not a video at all, 422 for a video that cannot be used (damaged, cut off, too long, odd size).
    /// </summary>
    public static int UploadStatus(VideoError error) => error switch
    {
        VideoError.Empty => (int)HttpStatusCode.BadRequest,
        VideoError.TooLarge => (int)HttpStatusCode.RequestEntityTooLarge,
        VideoError.NotAVideo => (int)HttpStatusCode.UnsupportedMediaType,
        _ => (int)HttpStatusCode.UnprocessableContent,
    };
}
