using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BlazorMood.Video;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using BlazorMood.Web.Accounts;
using BlazorMood.Playback;
using BlazorMood.Music.Context;
using BlazorMood.VideoJobs;
using BlazorMood.Data.Videos;

namespace BlazorMood.Web.Videos;

/// <summary>
/// <c>/api/videos</c>: upload (multipart, streamed to disk), my jobs, one job, its live changes (SSE), its annotated video, cancel, delete.
/// The owner is always <see cref="RequestOwner.ForRequest"/>; another owner's job answers 404 like a missing one.
/// Errors are problem+json with a human <c>detail</c> and a stable <c>errorCode</c>.
/// </summary>
public static class VideoApi
{
    public const string BasePath = "/api/videos";

    // Multipart framing (boundaries, part headers, small form fields) on top of the file itself.
    private const long MultipartOverheadBytes = 64 * 1024;

    private const int DefaultListLength = 50;

    // Changes of one job buffered for a slow SSE reader (progress comes at most Video:MaxProgressPerSecond times a second).
    private const int JobEventBuffer = 64;

    private const string JobEventType = "job";

    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder endpoints)
    {
        var videos = endpoints.MapGroup(BasePath).WithTags("Videos");
        videos.MapPost("/", UploadAsync).WithName("UploadVideo")
            .DisableAntiforgery() // an API for the Upload tab and scripts; authorization comes with the accounts issue
            .Produces<VideoJobDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        videos.MapGet("/", ListAsync).WithName("ListVideos").Produces<IReadOnlyList<VideoJobDto>>();
        videos.MapGet("/{id:guid}", GetAsync).WithName("GetVideo").Produces<VideoJobDto>().ProducesProblem(StatusCodes.Status404NotFound);
        videos.MapGet("/{id:guid}/events", EventsAsync).WithName("VideoJobEvents")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
        videos.MapMethods("/{id:guid}/annotated", Hosting.FileValidators.GetAndHead, AnnotatedAsync).WithName("GetAnnotatedVideo")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);
        videos.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelVideo")
            .DisableAntiforgery()
            .Produces<VideoJobDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        videos.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteVideo")
            .DisableAntiforgery()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    internal static async Task<IResult> UploadAsync(HttpContext http, IVideoJobs jobs, IOptions<VideoOptions> video, CancellationToken ct)
    {
        var limit = video.Value.MaxFileBytes;
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "multipart_expected",
                "Send the video as multipart/form-data with one file part (e.g. curl -F file=@clip.mp4).");
        }
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad_multipart", "The multipart body has no valid boundary.");
        }
        if (request.ContentLength is { } declared && declared > limit + MultipartOverheadBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "too_large", VideoJobService.TooLarge(limit).Message);
        }
        // Kestrel's default (30 MB) would cut a 50 MB clip; the cap is the option plus the framing.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit + MultipartOverheadBytes;
        }

        var owner = RequestOwner.ForRequest(http);
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                {
                    continue; // a plain form field: skipped (the reader drains it)
                }
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                var job = await jobs.SubmitAsync(owner, fileName, section.Body, ct);
                return Results.Accepted($"{BasePath}/{job.Id}", job);
            }
            return Problem(StatusCodes.Status400BadRequest, "no_file", "No file in the form. Send the video as a multipart file part (e.g. field 'file').");
        }
        catch (VideoUploadException e)
        {
            return Problem(e.StatusCode, e.ErrorCode, e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "too_large", VideoJobService.TooLarge(limit).Message);
        }
        catch (BadHttpRequestException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad_request", "The request body could not be read: " + e.Message);
        }
        catch (InvalidDataException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad_multipart", "The multipart body could not be read: " + e.Message);
        }
        catch (IOException e) when (Hosting.ClientErrors.IsMalformedBody(e))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad_multipart", "The multipart body ended before its closing boundary.");
        }
    }

    internal static async Task<IResult> ListAsync(HttpContext http, IVideoJobs jobs, int? max, CancellationToken ct) =>
        Results.Ok(await jobs.ListAsync(RequestOwner.ForRequest(http), max ?? DefaultListLength, ct));

    internal static async Task<IResult> GetAsync(HttpContext http, IVideoJobs jobs, Guid id, CancellationToken ct) =>
        await jobs.GetAsync(RequestOwner.ForRequest(http), id, ct) is { } job ? Results.Ok(job) : NotFound();

    /// <summary>
    /// <c>GET /api/videos/{id}/events</c>: Server-Sent Events of one job — its state now (event <c>job</c>), then every
    /// change as the worker reports it, on whichever node it runs (the notifier is relayed between nodes), ending after
    /// the final state. Another owner's job answers 404 like a missing one.
    /// </summary>
    internal static async Task<IResult> EventsAsync(
        HttpContext http, IVideoJobs jobs, IVideoJobNotifier notifier, IOptions<VideoJobOptions> options, Guid id, CancellationToken ct)
    {
        var owner = RequestOwner.ForRequest(http);
        // A reader slower than the worker loses the oldest progress, never the newest (the final state is always last).
        var changes = Channel.CreateBounded<VideoJobDto>(new BoundedChannelOptions(JobEventBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        // Subscribed before the current state is read, so no change between the two is missed.
        var subscription = notifier.Subscribe(owner, job =>
        {
            if (job.Id == id)
            {
                changes.Writer.TryWrite(job);
            }
            return Task.CompletedTask;
        });
        try
        {
            if (await jobs.GetAsync(owner, id, ct) is not { } current)
            {
                subscription.Dispose();
                return NotFound();
            }
            // Also ends the subscription when the response ends before the stream was ever read.
            http.Response.RegisterForDispose(subscription);
            var recheck = options.Value.EventStreamRecheckInterval;
            // Ends, too, when the caller's sign-in is revoked.
            return TypedResults.ServerSentEvents(Accounts.RevalidatedStream.Of(http,
                stop => JobEvents(current, changes.Reader, c => jobs.GetAsync(owner, id, c), recheck, subscription, stop)));
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    private static async IAsyncEnumerable<SseItem<VideoJobDto>> JobEvents(
        VideoJobDto current,
        ChannelReader<VideoJobDto> changes,
        Func<CancellationToken, Task<VideoJobDto?>> reload,
        TimeSpan recheck,
        IDisposable subscription,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using (subscription)
        {
            yield return new SseItem<VideoJobDto>(current, JobEventType);
            if (IsFinal(current.Status))
            {
                yield break;
            }
            while (true)
            {
                if (await NextChangeAsync(changes, recheck, ct).ConfigureAwait(false) is { } change)
                {
                    yield return new SseItem<VideoJobDto>(change, JobEventType);
                    if (IsFinal(change.Status))
                    {
                        yield break;
                    }
                    continue;
                }
                // Quiet for a while: the row says whether the job is gone (deleted) or ended without telling this node.
                // A running row is not sent: its saved progress lags what was pushed, and must not go backwards.
                var row = await reload(ct).ConfigureAwait(false);
                if (row is null)
                {
                    yield break;
                }
                if (IsFinal(row.Status))
                {
                    yield return new SseItem<VideoJobDto>(row, JobEventType);
                    yield break;
                }
            }
        }
    }

    /// <summary>The next change of the job, or null when none came within <paramref name="quiet"/>.</summary>
    private static async Task<VideoJobDto?> NextChangeAsync(ChannelReader<VideoJobDto> changes, TimeSpan quiet, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(quiet);
        try
        {
            return await changes.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static bool IsFinal(VideoJobStatus status) => status is VideoJobStatus.Succeeded or VideoJobStatus.Failed or VideoJobStatus.Cancelled;

    internal static async Task<IResult> AnnotatedAsync(HttpContext http, IVideoJobs jobs, Guid id, CancellationToken ct)
    {
        var owner = RequestOwner.ForRequest(http);
        if (await jobs.GetAnnotatedVideoPathAsync(owner, id, ct) is { } path)
        {
            // Range requests let the browser's <video> seek without downloading the whole file.
            var info = new FileInfo(path);
            return Results.File(path, "video/mp4", lastModified: info.LastWriteTimeUtc,
                entityTag: Hosting.FileValidators.ETagOf(info), enableRangeProcessing: true);
        }
        return await jobs.GetAsync(owner, id, ct) switch
        {
            null => NotFound(),
            { VideoExpired: true } => Problem(StatusCodes.Status410Gone, "expired", "The annotated video has expired and was deleted; the results are still available."),
            { Status: VideoJobStatus.Queued or VideoJobStatus.Running } => Problem(StatusCodes.Status409Conflict, "not_ready", "The video is still being analysed."),
            _ => Problem(StatusCodes.Status404NotFound, "no_video", "This job has no annotated video."),
        };
    }

    internal static async Task<IResult> CancelAsync(HttpContext http, IVideoJobs jobs, Guid id, CancellationToken ct)
    {
        var owner = RequestOwner.ForRequest(http);
        if (await jobs.CancelAsync(owner, id, ct))
        {
            return Results.Accepted($"{BasePath}/{id}", await jobs.GetAsync(owner, id, ct));
        }
        return await jobs.GetAsync(owner, id, ct) is { } job
            ? Problem(StatusCodes.Status409Conflict, "already_finished", $"The job has already finished ({job.Status.ToString().ToLowerInvariant()}).")
            : NotFound();
    }

    internal static async Task<IResult> DeleteAsync(HttpContext http, IVideoJobs jobs, Guid id, CancellationToken ct) =>
        await jobs.DeleteAsync(RequestOwner.ForRequest(http), id, ct) ? Results.NoContent() : NotFound();

    private static IResult NotFound() => Problem(StatusCodes.Status404NotFound, "not_found", "There is no such video job.");

    private static IResult Problem(int status, string errorCode, string detail) => Results.Problem(
        statusCode: status,
        title: Title(status),
        detail: detail,
        extensions: new Dictionary<string, object?> { ["errorCode"] = errorCode });

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Invalid upload",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status410Gone => "Expired",
        StatusCodes.Status413PayloadTooLarge => "Video too large",
        StatusCodes.Status415UnsupportedMediaType => "Not a video",
        StatusCodes.Status422UnprocessableEntity => "Video cannot be used",
        StatusCodes.Status429TooManyRequests => "Too many videos",
        StatusCodes.Status503ServiceUnavailable => "Busy",
        _ => "Error",
    };
}
