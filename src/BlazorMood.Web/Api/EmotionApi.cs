using System.ComponentModel.DataAnnotations;
using BlazorMood.Vision;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.RateLimiting;
using Microsoft.AspNetCore.Http.Features;

namespace BlazorMood.Web.Api;

/// <summary>Limits of <c>POST /api/emotion</c>, bound from the <c>EmotionApi</c> section.</summary>
public sealed class EmotionApiOptions
{
    public const string SectionName = "EmotionApi";

    /// <summary>Largest accepted image file, in bytes (413 above).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 5 * 1024 * 1024;
}

/// <summary>A face box in image pixels.</summary>
public sealed record BoxDto(float X, float Y, float Width, float Height);

/// <summary>The seven probabilities, always all present.</summary>
public sealed record ProbabilitiesDto(float Angry, float Disgust, float Fear, float Happy, float Sad, float Surprise, float Neutral)
{
    public static ProbabilitiesDto From(IReadOnlyDictionary<string, float> p) =>
        new(p["angry"], p["disgust"], p["fear"], p["happy"], p["sad"], p["surprise"], p["neutral"]);
}

public sealed record FaceDto(BoxDto Box, float Score, string Emotion, ProbabilitiesDto Probabilities);

public sealed record EmotionResponse(IReadOnlyList<FaceDto> Faces, int ImageWidth, int ImageHeight, double ElapsedMs);

/// <summary>
/// <c>POST /api/emotion</c>: one still image in, every face with its emotion out. Usable without the UI
/// (scripts, curl). Every failure a client can cause is a 4xx problem+json, never a 500.
/// </summary>
public static class EmotionApi
{
    // Multipart framing (boundaries, part headers) on top of the file itself.
    private const long MultipartOverheadBytes = 64 * 1024;

    public static IServiceCollection AddEmotionApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmotionApiOptions>()
            .BindConfiguration(EmotionApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    public static IEndpointRouteBuilder MapEmotionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/emotion", AnalyzeAsync)
            // For scripts (bearer token) and pages (cookie). No antiforgery token: the cookie is SameSite=Lax, so
            // another site's form cannot post here with it.
            .DisableAntiforgery()
            .RequireAuthorization(Policies.Kiosk)
            .RequireRateLimiting(RateLimitPolicies.EmotionApi)
            .WithName("AnalyzeEmotion")
            .Produces<EmotionResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    internal static async Task<IResult> AnalyzeAsync(
        HttpContext http,
        EmotionAnalyzer analyzer,
        Microsoft.Extensions.Options.IOptions<EmotionApiOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxUploadBytes;
        var request = http.Request;
        if (request.ContentLength is { } declared && declared > limit + MultipartOverheadBytes)
        {
            return TooLarge(limit);
        }
        // Stop reading the body early: Kestrel answers the rest with a BadHttpRequestException (413) we turn into JSON.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit + MultipartOverheadBytes;
        }

        byte[] bytes;
        try
        {
            var read = await ReadImageBytesAsync(request, limit, cancellationToken);
            if (read.Problem is not null)
            {
                return read.Problem;
            }
            bytes = read.Bytes!;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (InvalidDataException e)
        {
            // Malformed multipart body, or one past the form reader's limits.
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(limit)
                : BadRequest("The multipart body could not be read: " + e.Message);
        }
        catch (BadHttpRequestException e)
        {
            return BadRequest("The request body could not be read: " + e.Message);
        }
        catch (IOException e) when (Hosting.ClientErrors.IsMalformedBody(e))
        {
            // A multipart body that ends before its closing boundary: the client's framing, not a server fault.
            return BadRequest("The multipart body ended before its closing boundary: " + e.Message);
        }

        try
        {
            var analysis = analyzer.Analyze(bytes, cancellationToken: cancellationToken);
            return Results.Ok(ToResponse(analysis));
        }
        catch (ImageDecodeException e)
        {
            loggers.CreateLogger(typeof(EmotionApi)).LogInformation("Rejected image ({Bytes} bytes): {Error} {Message}", bytes.Length, e.Error, e.Message);
            return e.Error switch
            {
                ImageDecodeError.TooLarge => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Image too large", detail: e.Message),
                ImageDecodeError.Busy => Busy(http, e.Message),
                _ => BadRequest(e.Message),
            };
        }
    }

    internal static EmotionResponse ToResponse(EmotionAnalysis analysis) => new(
        analysis.Faces.Select(f => new FaceDto(
            new BoxDto(f.Box.X, f.Box.Y, f.Box.Width, f.Box.Height),
            f.Score,
            f.Label,
            ProbabilitiesDto.From(f.Probabilities))).ToArray(),
        analysis.ImageWidth,
        analysis.ImageHeight,
        Math.Round(analysis.Timings.TotalMs, 2));

    private sealed record ReadResult(byte[]? Bytes, IResult? Problem);

    /// <summary>Accepts a multipart form with one file, or the raw image as the body with an <c>image/*</c> type.</summary>
    private static async Task<ReadResult> ReadImageBytesAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("image") ?? form.Files.FirstOrDefault();
            if (file is null)
            {
                return new(null, BadRequest("No file in the form. Send the image as a multipart file field named 'image'."));
            }
            if (file.Length == 0)
            {
                return new(null, BadRequest("The uploaded file is empty (0 bytes)."));
            }
            if (file.Length > limit)
            {
                return new(null, TooLarge(limit));
            }
            await using var stream = file.OpenReadStream();
            return new(await ReadAllAsync(stream, limit, ct), null);
        }
        if (request.ContentType is { } type && type.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            var bytes = await ReadAllAsync(request.Body, limit, ct);
            if (bytes is null)
            {
                return new(null, TooLarge(limit));
            }
            return bytes.Length == 0 ? new(null, BadRequest("The request body is empty (0 bytes).")) : new(bytes, null);
        }
        return new(null, BadRequest("Send a JPEG, PNG or WebP image as multipart/form-data (field 'image') or as the body with an image/* content type."));
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when there are more.</summary>
    private static async Task<byte[]?> ReadAllAsync(Stream stream, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>Every decode slot was taken (<c>Vision:Decoder:MaxConcurrentDecodes</c>): a clear "try again" rather than a pile-up.</summary>
    private static IResult Busy(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = "1";
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy", detail: detail);
    }

    private static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid image", detail: detail);

    private static IResult TooLarge(long limit) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Image too large",
            detail: $"The image is larger than the limit of {limit} bytes.");
}
