using System.Net;
using System.Buffers;
using BlazorMood.Data.Videos;
using BlazorMood.Video;
using Microsoft.Extensions.Options;
using BlazorMood.Data.Jobs;

namespace BlazorMood.VideoJobs;

/// <summary>
/// <see cref="IVideoJobs"/> over the job rows and the storage folder. Every query carries the owner, so another
/// owner's job is indistinguishable from a missing one.
/// </summary>
internal sealed partial class VideoJobService(
    VideoJobStore store,
    VideoStorage storage,
    VideoJobRuns runs,
    VideoJobNotifier notifier,
    JobScheduling scheduling,
    FfmpegService ffmpeg,
    IOptions<VideoOptions> videoOptions,
    IOptions<VideoJobOptions> jobOptions,
    ILogger<VideoJobService> logger) : IVideoJobs
{
    private const int CopyBufferBytes = 81920;

    // How long a delete waits for a run in this process to let go of the job's files before removing them anyway.
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(30);

    // Uploads of each owner being streamed or probed in this process: they count against the owner's cap before
    // their row exists, so parallel uploads are refused at once instead of all passing the count and being stored.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _uploading = new(StringComparer.Ordinal);

    private VideoJobOptions Options => jobOptions.Value;

    private static VideoUploadException TooManyJobs(int max) => new((int)HttpStatusCode.TooManyRequests, "too_many_jobs",
        $"You already have {max} videos waiting or being analysed; wait for one to finish or cancel one.");

    private int ReserveUpload(string ownerId) => _uploading.AddOrUpdate(ownerId, 1, (_, n) => n + 1);

    private void ReleaseUpload(string ownerId)
    {
        var left = _uploading.AddOrUpdate(ownerId, 0, (_, n) => n - 1);
        if (left <= 0)
        {
            // Only removes the entry when nobody reserved again meanwhile.
            _uploading.TryRemove(KeyValuePair.Create(ownerId, 0));
        }
    }

    public async Task<VideoJobDto> SubmitAsync(string ownerId, string? clientFileName, Stream content, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerId);
        ArgumentNullException.ThrowIfNull(content);
        if (ownerId.Length > VideoJobRecord.MaxOwnerIdLength)
        {
            throw new ArgumentException("Owner id too long.", nameof(ownerId));
        }
        var uploadsHere = ReserveUpload(ownerId);
        try
        {
            // This upload and the owner's others in flight here count with the stored jobs; the insert re-checks
            // atomically (uploads on other nodes, or jobs that appeared meanwhile).
            if (await store.CountActiveAsync(ownerId, ct) + uploadsHere > Options.MaxActiveJobsPerOwner)
            {
                throw TooManyJobs(Options.MaxActiveJobsPerOwner);
            }
            if (await store.CountQueuedAsync(ct) >= Options.MaxQueuedJobs)
            {
                throw new VideoUploadException((int)HttpStatusCode.ServiceUnavailable, "queue_full",
                    "The server has too many videos waiting to be analysed; try again in a few minutes.");
            }
            return await StoreAndQueueAsync(ownerId, clientFileName, content, ct);
        }
        finally
        {
            ReleaseUpload(ownerId);
        }
    }

    private async Task<VideoJobDto> StoreAndQueueAsync(string ownerId, string? clientFileName, Stream content, CancellationToken ct)
    {

        var id = Guid.NewGuid();
        var storageName = VideoStorage.NewStorageName(id);
        var displayName = VideoStorage.DisplayName(clientFileName);
        runs.BeginUpload(storageName);
        var kept = false;
        try
        {
            storage.CreateJobFolder(storageName);
            var input = storage.InputPath(storageName);
            var bytes = await CopyCappedAsync(content, input, videoOptions.Value.MaxFileBytes, ct);
            if (bytes == 0)
            {
                throw new VideoUploadException((int)HttpStatusCode.BadRequest, "empty", "The uploaded file is empty (0 bytes).");
            }

            VideoProbe probe;
            try
            {
                probe = await ffmpeg.ProbeAsync(input, ct);
            }
            catch (VideoProcessingException e)
            {
                LogRejected(logger, displayName, bytes, e.Error, e.Detail);
                throw new VideoUploadException(VideoJobMapping.UploadStatus(e.Error), VideoJobMapping.ErrorCode(e.Error), e.Message);
            }

            var (width, height) = probe.DisplaySize;
            var job = new VideoJobRecord
            {
                Id = id,
                OwnerId = ownerId,
                FileName = displayName,
                StorageName = storageName,
                SizeBytes = bytes,
                State = VideoJobState.Queued,
                CreatedUtc = store.UtcNow,
                DurationSeconds = Math.Round(probe.Duration.TotalSeconds, 3),
                Width = width,
                Height = height,
            };
            if (!await store.TryAddWithinOwnerCapAsync(job, Options.MaxActiveJobsPerOwner, ct))
            {
                throw TooManyJobs(Options.MaxActiveJobsPerOwner);
            }
            kept = true;
            LogQueued(logger, id, bytes, probe.Duration.TotalSeconds, width, height);
            try
            {
                await VideoAnalysisJob.ScheduleAsync(scheduling, id, CancellationToken.None);
            }
            catch (Exception e) when (e is Quartz.SchedulerException or System.Data.Common.DbException)
            {
                // The row is stored: the next start-up of a worker hands it to the engine.
                LogScheduleFailed(logger, e, id);
            }
            var dto = VideoJobMapping.ToDto(job, Options.OutputRetention);
            notifier.Publish(ownerId, dto);
            return dto;
        }
        finally
        {
            runs.EndUpload(storageName);
            if (!kept)
            {
                // Refused, cut off by the client or failed: nothing of it stays on disk.
                storage.DeleteJobFolder(storageName);
            }
        }
    }

    /// <summary>Streams <paramref name="content"/> to a new file, stopping with 413 as soon as it passes <paramref name="maxBytes"/>.</summary>
    private static async Task<long> CopyCappedAsync(Stream content, string path, long maxBytes, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            long total = 0;
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static VideoUploadException TooLarge(long maxBytes) => new((int)HttpStatusCode.RequestEntityTooLarge, "too_large",
        $"The video is larger than the {maxBytes / (1024.0 * 1024):0.#} MB limit.");

    public async Task<VideoJobDto?> GetAsync(string ownerId, Guid id, CancellationToken ct) =>
        await store.FindAsync(ownerId, id, ct) is { } job ? VideoJobMapping.ToDto(job, Options.OutputRetention) : null;

    public async Task<IReadOnlyList<VideoJobDto>> ListAsync(string ownerId, int max, CancellationToken ct)
    {
        var jobs = await store.ListAsync(ownerId, Math.Clamp(max, 1, Options.MaxListed), ct);
        return jobs.Select(j => VideoJobMapping.ToDto(j, Options.OutputRetention)).ToArray();
    }

    public async Task<bool> CancelAsync(string ownerId, Guid id, CancellationToken ct)
    {
        if (await store.CancelQueuedAsync(ownerId, id, ct))
        {
            if (await store.FindAsync(ownerId, id, ct) is { } job)
            {
                storage.DeleteJobFolder(job.StorageName);
                notifier.Publish(ownerId, VideoJobMapping.ToDto(job, Options.OutputRetention));
            }
            LogCancelRequested(logger, id, "queued");
            return true;
        }
        if (await store.RequestCancelAsync(ownerId, id, ct))
        {
            // Running here: stop it now. Running in another process: the engine interrupts it there (and its next
            // heartbeat sees the flag in any case).
            if (runs.Stop(id, RunStopReason.CancelRequested) is null)
            {
                await InterruptElsewhereAsync(id);
            }
            LogCancelRequested(logger, id, "running");
            return true;
        }
        return false;
    }

    public async Task<bool> DeleteAsync(string ownerId, Guid id, CancellationToken ct)
    {
        var storageName = await store.DeleteAsync(ownerId, id, ct);
        if (storageName is null)
        {
            return false;
        }
        // The row is gone, so no worker can write an outcome any more; a run here is stopped and awaited so that no
        // ffmpeg writes into the folder after it is removed. A run elsewhere stops at its next heartbeat.
        var stopped = runs.Stop(id, RunStopReason.Deleted);
        if (stopped is null)
        {
            await InterruptElsewhereAsync(id);
        }
        else
        {
            try
            {
                await stopped.WaitAsync(StopWait, ct);
            }
            catch (TimeoutException)
            {
                LogStopSlow(logger, id);
            }
        }
        storage.DeleteJobFolder(storageName);
        LogDeleted(logger, id);
        return true;
    }

    public async Task<string?> GetAnnotatedVideoPathAsync(string ownerId, Guid id, CancellationToken ct)
    {
        if (await store.FindAsync(ownerId, id, ct) is not { State: VideoJobState.Succeeded, HasAnnotatedVideo: true, OutputsDeletedUtc: null } job)
        {
            return null;
        }
        var path = storage.AnnotatedVideoPath(job.StorageName);
        return File.Exists(path) ? path : null;
    }

    private async Task InterruptElsewhereAsync(Guid id)
    {
        try
        {
            await scheduling.InterruptAsync(VideoAnalysisJob.Group, id.ToString("D"), CancellationToken.None);
        }
        catch (Exception e) when (e is Quartz.SchedulerException or System.Data.Common.DbException)
        {
            LogInterruptFailed(logger, e, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video job {JobId} is stored but could not be handed to the job engine")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video job {JobId}: asking the job engine to interrupt its run failed")]
    private static partial void LogInterruptFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} queued: {Bytes} bytes, {Seconds:F1} s, {Width}x{Height}")]
    private static partial void LogQueued(ILogger logger, Guid jobId, long bytes, double seconds, int width, int height);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload {FileName} ({Bytes} bytes) rejected: {Error} ({Detail})")]
    private static partial void LogRejected(ILogger logger, string fileName, long bytes, VideoError error, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} cancel requested while {State}")]
    private static partial void LogCancelRequested(ILogger logger, Guid jobId, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video job {JobId} did not stop within the wait; its files are removed anyway")]
    private static partial void LogStopSlow(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} deleted")]
    private static partial void LogDeleted(ILogger logger, Guid jobId);
}
