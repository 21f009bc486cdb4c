using System.Security.Claims;

namespace BlazorMood.Web.Recommendations;

/// <summary>
/// Who owns a request's data: the signed-in account (its Identity user id, the <see cref="ClaimTypes.NameIdentifier"/>
/// claim), whether it signed in with the cookie or an API token. Emotion events, the live stream, recommendations,
/// feedback, plays and video jobs are all keyed by this id, and resolved here only.
/// </summary>
public static class RecommendationUser
{
    /// <summary>Fallback owner id of components that found no signed-in user (cannot happen behind the page policies).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The signed-in user's id; null for anonymous callers.</summary>
    public static string? Of(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id ? id : null;

    /// <summary>The signed-in user of <paramref name="http"/> (a page request while prerendering, or the circuit's connection); null without one.</summary>
    public static string? SessionOf(HttpContext? http) => Of(http?.User);

    /// <summary>
    /// The owner of the request's data. Every data endpoint requires a signed-in caller, so an anonymous request here is
    /// a wiring mistake: it fails instead of sharing one anonymous bucket between strangers.
    /// </summary>
    public static string ForRequest(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Of(http.User) ?? throw new InvalidOperationException(
            $"{http.Request.Path} resolved the data owner of an anonymous request; the endpoint must require authorization.");
    }

    /// <summary>Track ids are short URL-safe tokens; anything else is rejected before a library look-up.</summary>
    public static bool IsTrackId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
