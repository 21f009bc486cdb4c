using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace BlazorMood.Web.Hosting;

/// <summary>
/// Reads a small JSON request body the same way on every endpoint: 415 when it is not JSON, 413 when it is larger than
/// the limit (before reading it), 400 when it is malformed or not an object.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>The limit of the app's JSON request bodies.</summary>
    public const long MaxBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The body as <typeparamref name="T"/>, or the problem to answer instead.</summary>
    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpContext http, CancellationToken ct) where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!http.Request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "JSON expected", "Send the body as application/json."));
        }
        if (http.Request.ContentLength > MaxBytes)
        {
            return (null, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A request body is at most {MaxBytes} bytes."));
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = MaxBytes;
        }
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, ct);
            return body is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "Invalid JSON", "The body must be a JSON object."))
                : (body, null);
        }
        catch (JsonException e)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid JSON", e.Message));
        }
        catch (BadHttpRequestException e)
        {
            return (null, Problem(e.StatusCode, "Invalid body", e.Message));
        }
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(statusCode: status, title: title, detail: detail);
}
