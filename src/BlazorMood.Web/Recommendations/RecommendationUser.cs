using BlazorMood.Web.Live;
using Microsoft.Net.Http.Headers;

namespace BlazorMood.Web.Recommendations;

/// <summary>
/// Who the recommender is talking to. Until accounts exist, the listener is the anonymous browser session of the Live
/// Emotion feature (<see cref="LiveSession"/>): the camera of a session and its music share one id, so a person's face
/// steers their own recommendations.
/// </summary>
public static class RecommendationUser
{
    /// <summary>Callers without a session (scripts without cookies) share this id; they have no camera context anyway.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The session of the request; <see cref="Anonymous"/> without one.</summary>
    public static string ForRequest(HttpContext http) => SessionOf(http) ?? Anonymous;

    /// <summary>
    /// The request's session cookie (or <c>?session=</c>), else the one the session middleware has just issued on this
    /// response: a first visit's page request carries no cookie yet, but prerendering happens after the middleware.
    /// </summary>
    public static string? SessionOf(HttpContext? http)
    {
        if (http is null)
        {
            return null;
        }
        if (LiveSession.Resolve(http) is { } session)
        {
            return session;
        }
        foreach (var header in http.Response.Headers.SetCookie)
        {
            if (header is not null && SetCookieHeaderValue.TryParse(header, out var cookie)
                && cookie.Name.Equals(LiveSession.CookieName, StringComparison.Ordinal)
                && LiveSession.IsValid(cookie.Value.Value))
            {
                return cookie.Value.Value;
            }
        }
        return null;
    }

    /// <summary>Track ids are short URL-safe tokens; anything else is rejected before a library look-up.</summary>
    public static bool IsTrackId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
