using BlazorMood.Accounts;
using System.Globalization;
using System.Text.Json;
using BlazorMood.Music.Library;
using BlazorMood.Music.Recommendation;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Http.Features;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Api;

/// <summary>One track of a recommendation as the API returns it.</summary>
public sealed record RecommendedTrackDto(string Id, string Title, string Artist, double Duration, double? Bpm, string Url, string Playlist, double Score, string Why, string? Source = null);

/// <summary>The reason: one human sentence and machine-readable parts with stable keys.</summary>
public sealed record ReasonDto(string Summary, IReadOnlyList<ReasonPart> Parts);

/// <summary><c>GET /api/recommend</c>'s answer.</summary>
public sealed record RecommendResponse(string Source, string Mode, RecommendationContext Context, ReasonDto Reason, IReadOnlyList<RecommendedTrackDto> Tracks)
{
    public static RecommendResponse From(Recommendation r) => new(
        Recommender.Wire(r.Source),
        r.Mode == RecommendationMode.Context ? "context" : "baseline",
        r.Context,
        new ReasonDto(r.Reason.Summary, r.Reason.Parts),
        r.Tracks.Select(t => new RecommendedTrackDto(t.Id, t.Title, t.Artist, t.Duration, t.Bpm, t.Url, t.Playlist, t.Score, t.Why, t.Source)).ToArray());
}

/// <summary><c>POST /api/feedback</c>'s body.</summary>
public sealed record FeedbackRequest(string? TrackId, string? Kind);

/// <summary>
/// <c>GET /api/recommend</c>, <c>POST /api/feedback</c> and <c>GET /api/tracks/{id}</c>, for any signed-in role. The
/// listener is the signed-in account (<see cref="OwnerIdentity"/>), so the account's camera steers its music.
/// Audio is found by id in the library, never by a path from the client.
/// </summary>
public static class RecommendationApi
{
    public const int MaxTextLength = PlayerState.MaxTextLength;
    public const int MaxLabelLength = 32;

    // A feedback body is two short strings; anything much larger is not one.
    private const long MaxFeedbackBytes = 4 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The recommendation feature of the web host: API, player state per circuit, the live-emotion bridge.</summary>
    public static IServiceCollection AddRecommendationApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddPlayback(configuration);
        // The player reads the session cookie from the request it is prerendered in.
        services.AddHttpContextAccessor();
        return services;
    }

    public static IEndpointRouteBuilder MapRecommendationApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(string.Empty).RequireAuthorization(Policies.Kiosk);
        api.MapGet("/api/recommend", Recommend).WithName("Recommend")
            .Produces<RecommendResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPost("/api/feedback", FeedbackAsync).WithName("Feedback")
            .DisableAntiforgery() // scripts (bearer) and the player (SameSite=Lax cookie: no cross-site posts)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapMethods("/api/tracks/{id}", Hosting.FileValidators.GetAndHead, Track).WithName("Track")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    internal static IResult Recommend(HttpContext http, Recommender recommender, ILoggerFactory loggers)
    {
        var q = http.Request.Query;
        var mode = RecommendationMode.Baseline;
        if (Single(q, "mode") is { } modeText && !TryParseMode(modeText, out mode))
        {
            return BadRequest("Invalid mode", "mode must be 'baseline' (the original rule, the default) or 'context'.");
        }
        var emotion = Single(q, "emotion");
        if (emotion is not null && !PlaylistNames.IsKnownEmotion(emotion))
        {
            return BadRequest("Invalid emotion", $"emotion must be one of: {string.Join(", ", PlaylistNames.Emotions)}.");
        }
        var activity = Single(q, "activity");
        if (activity is not null && !IsLabel(activity))
        {
            return BadRequest("Invalid activity", $"activity must be 1–{MaxLabelLength} letters, digits, '-' or '_' (e.g. running).");
        }
        double? cadence = null;
        if (Single(q, "cadence") is { } cadenceText)
        {
            if (!double.TryParse(cadenceText, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) || !double.IsFinite(c) || c <= 0 || c > 300)
            {
                return BadRequest("Invalid cadence", "cadence must be steps per minute, a number above 0 and at most 300.");
            }
            cadence = c;
        }
        var text = Single(q, "text");
        if (text is { Length: > MaxTextLength })
        {
            return BadRequest("Invalid text", $"text must be at most {MaxTextLength} characters.");
        }
        DateTimeOffset? at = null;
        if (Single(q, "at") is { } atText)
        {
            if (!DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return BadRequest("Invalid time", "at must be an ISO 8601 date and time, e.g. 2026-11-24T08:30:00Z.");
            }
            at = parsed;
        }
        if (q.Keys.FirstOrDefault(k => q[k].Count > 1) is { } repeated)
        {
            return BadRequest("Repeated parameter", $"'{repeated}' was given more than once.");
        }

        var user = RequestOwner.ForRequest(http);
        var result = recommender.Recommend(new RecommendationRequest
        {
            UserId = user,
            Mode = mode,
            Emotion = emotion,
            Activity = activity,
            CadenceSpm = cadence,
            Text = text,
            At = at,
        });
        loggers.CreateLogger(typeof(RecommendationApi)).LogDebug("GET /api/recommend {Mode} → {Source} {Count} tracks", mode, result.Source, result.Tracks.Count);
        return Results.Ok(RecommendResponse.From(result));
    }

    internal static async Task<IResult> FeedbackAsync(HttpContext http, Recommender recommender, IMusicLibrary library, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var listener = RequestOwner.ForRequest(http);
        if (!http.Request.HasJsonContentType())
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON expected",
                detail: "Send {\"trackId\": \"…\", \"kind\": \"like|skip|complete\"} as application/json.");
        }
        if (http.Request.ContentLength > MaxFeedbackBytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
                detail: $"A feedback body is at most {MaxFeedbackBytes} bytes.");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = MaxFeedbackBytes;
        }
        FeedbackRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<FeedbackRequest>(http.Request.Body, Json, cancellationToken);
        }
        catch (JsonException e)
        {
            return BadRequest("Invalid JSON", "The body is not a JSON object {trackId, kind}: " + e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
                detail: $"A feedback body is at most {MaxFeedbackBytes} bytes.");
        }
        catch (BadHttpRequestException e)
        {
            return BadRequest("Invalid body", e.Message);
        }
        if (body is null || string.IsNullOrWhiteSpace(body.TrackId))
        {
            return BadRequest("Missing trackId", "trackId is required.");
        }
        if (!TryParseKind(body.Kind, out var kind))
        {
            return BadRequest("Invalid kind", "kind must be 'like', 'skip' or 'complete'.");
        }
        if (!RecommendationApi.IsTrackId(body.TrackId) || library.Current.FindTrack(body.TrackId) is null)
        {
            return UnknownTrack(body.TrackId);
        }
        recommender.Feedback(listener, body.TrackId, kind);
        loggers.CreateLogger(typeof(RecommendationApi)).LogInformation("Feedback {Kind} on {TrackId} from {UserId}", kind, body.TrackId, listener);
        return Results.NoContent();
    }

    /// <summary>Track ids are short URL-safe tokens; anything else is rejected before a library look-up.</summary>
    public static bool IsTrackId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    internal static IResult Track(string id, IMusicLibrary library, HttpContext http, IHostApplicationLifetime lifetime)
    {
        if (!RecommendationApi.IsTrackId(id))
        {
            return BadRequest("Invalid track id", "A track id is 1–64 letters, digits, '-' or '_'.");
        }
        // Only ids of the current library resolve to files; the client never names a path.
        var track = library.Current.FindTrack(id);
        if (track is null || !File.Exists(track.FullPath))
        {
            return UnknownTrack(id);
        }
        var info = new FileInfo(track.FullPath);
        // A browser reads a track as it plays and may hold a half-sent response open for minutes; when the server
        // stops, the stream is cut so that it never holds a restart for the whole shutdown timeout (players ask again).
        http.Response.RegisterForDispose(lifetime.ApplicationStopping.Register(http.Abort));
        return Results.File(track.FullPath, AudioContentTypes.ForPath(track.FullPath),
            lastModified: info.LastWriteTimeUtc, entityTag: Hosting.FileValidators.ETagOf(info), enableRangeProcessing: true);
    }

    internal static bool TryParseMode(string? text, out RecommendationMode mode)
    {
        mode = RecommendationMode.Baseline;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "baseline":
                return true;
            case "context":
                mode = RecommendationMode.Context;
                return true;
            default:
                return false;
        }
    }

    internal static bool TryParseKind(string? text, out FeedbackKind kind)
    {
        kind = FeedbackKind.Like;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "like":
                return true;
            case "skip":
                kind = FeedbackKind.Skip;
                return true;
            case "complete":
                kind = FeedbackKind.Complete;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A query value, null when absent or blank (an empty override means "no override").</summary>
    private static string? Single(IQueryCollection q, string name)
    {
        var v = q[name];
        return v.Count == 0 || string.IsNullOrWhiteSpace(v[0]) ? null : v[0]!.Trim();
    }

    private static bool IsLabel(string s) =>
        s.Length <= MaxLabelLength && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static IResult UnknownTrack(string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown track",
        detail: $"No track '{(id.Length > 64 ? id[..64] + "…" : id)}' in the music library.");

    private static IResult BadRequest(string title, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
}
