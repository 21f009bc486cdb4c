using Microsoft.AspNetCore.Diagnostics;

namespace BlazorMood.Web.Hosting;

/// <summary>
/// Request bodies a client got wrong are the client's error, never a 500: a multipart body that ends before its
/// closing boundary, one the form reader refuses, one over the endpoint's size limit.
/// </summary>
public static class ClientErrors
{
    /// <summary>
    /// True for an <see cref="IOException"/> raised while parsing a request body (the multipart and form readers of
    /// ASP.NET Core's WebUtilities throw "Unexpected end of Stream" for a body cut before its closing boundary), as
    /// opposed to one of the server's own files or disks.
    /// </summary>
    public static bool IsMalformedBody(IOException exception) =>
        exception is not null && string.Equals(exception.Source, "Microsoft.AspNetCore.WebUtilities", StringComparison.Ordinal);
}

/// <summary>
/// The safety net behind every endpoint: body errors that escape a handler (an oversize body read where nobody
/// expected it, malformed multipart) become 413/400 problem+json instead of a 500. Everything else is left to the
/// default handler.
/// </summary>
internal sealed partial class ClientErrorExceptionHandler(IProblemDetailsService problems, ILogger<ClientErrorExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException e => (e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request"),
            InvalidDataException => (StatusCodes.Status400BadRequest, "Malformed request body"),
            IOException e when ClientErrors.IsMalformedBody(e) => (StatusCodes.Status400BadRequest, "Malformed request body"),
            _ => (0, ""),
        };
        if (status is < 400 or >= 500 || httpContext.Response.HasStarted)
        {
            return false;
        }
        LogClientError(logger, httpContext.Request.Method, httpContext.Request.Path.ToString(), status, exception.Message);
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = exception.Message },
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path}: client error {Status} ({Reason})")]
    private static partial void LogClientError(ILogger logger, string method, string path, int status, string reason);
}
