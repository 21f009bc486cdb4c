using System.Security.Cryptography;

namespace BlazorMood.Web.Live;

/// <summary>
/// The anonymous browser session: a random id in a cookie, set on the first page request. The live hub, the SSE
/// stream and the recent-events API use it to tell whose events are whose until accounts exist.
/// </summary>
public static class LiveSession
{
    public const string CookieName = "bm_session";
    public const string QueryName = "session";

    /// <summary>The caller's session id: the cookie, else a <c>session</c> query parameter; null when neither is valid.</summary>
    public static string? Resolve(HttpContext? http)
    {
        if (http is null)
        {
            return null;
        }
        if (http.Request.Cookies.TryGetValue(CookieName, out var cookie) && IsValid(cookie))
        {
            return cookie;
        }
        var query = http.Request.Query[QueryName].ToString();
        return IsValid(query) ? query : null;
    }

    /// <summary>Up to 64 characters of [A-Za-z0-9_-].</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Gives every page visitor a session cookie (lax, HTTP only) when it has none; APIs and hubs only read it.</summary>
    public static IApplicationBuilder UseLiveSessionCookie(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (!http.Request.Cookies.ContainsKey(CookieName) && HttpMethods.IsGet(http.Request.Method)
                && !http.Request.Path.StartsWithSegments("/_framework") && !http.Request.Path.StartsWithSegments("/_content")
                && !http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/hubs"))
            {
                var id = NewId();
                http.Response.Cookies.Append(CookieName, id, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = http.Request.IsHttps,
                    IsEssential = true,
                    MaxAge = TimeSpan.FromDays(365),
                });
            }
            await next(http);
        });
}
