using System.Security.Claims;

namespace BlazorMood.Accounts;

/// <summary>
/// Who owns a piece of data: the signed-in account (its Identity user id, the <see cref="ClaimTypes.NameIdentifier"/>
/// claim), whether it signed in with the cookie or an API token. Emotion events, the live stream, recommendations,
/// feedback, plays and video jobs are all keyed by this id, and resolved from a principal here only.
/// </summary>
public static class OwnerIdentity
{
    /// <summary>Fallback owner id of components that found no signed-in user (cannot happen behind the page policies).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The signed-in user's id; null for anonymous callers.</summary>
    public static string? Of(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && user.FindFirst(ClaimTypes.NameIdentifier)?.Value is { Length: > 0 } id ? id : null;
}
