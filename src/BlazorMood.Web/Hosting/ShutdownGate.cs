using Microsoft.Net.Http.Headers;

namespace BlazorMood.Web.Hosting;

/// <summary>
/// Turns new requests away once the host is stopping. Stopping first closes every SignalR connection (hubs and Blazor
/// circuits); clients that reconnect at once would otherwise get a fresh connection on the server that is going away,
/// which then holds the shutdown for its whole timeout (30 s) and delays the restart they are waiting for. Requests
/// already running finish as usual.
/// </summary>
public static class ShutdownGate
{
    /// <summary>How long a client is asked to wait before trying again (the new server is usually up by then).</summary>
    public const int RetryAfterSeconds = 2;

    public static IApplicationBuilder UseShutdownGate(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use((http, next) => Gate(http, next, stopping));
    }

    internal static Task Gate(HttpContext http, RequestDelegate next, CancellationToken stopping)
    {
        if (!stopping.IsCancellationRequested)
        {
            return next(http);
        }
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers[HeaderNames.Connection] = "close";
        return Task.CompletedTask;
    }
}
