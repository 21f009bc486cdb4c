using Microsoft.AspNetCore.Authentication;

namespace BlazorMood.Web.Accounts;

/// <summary>Paths of the account pages, and how unauthenticated or forbidden callers are answered.</summary>
public static class AccountEndpoints
{
    public const string LoginPath = "/account/login";
    public const string RegisterPath = "/account/register";
    public const string LogoutPath = "/account/logout";
    public const string AccessDeniedPath = "/account/access-denied";
    public const string TokensPath = "/account/tokens";
    public const string ApiPrefix = "/api";
    public const string HubsPrefix = "/hubs";

    /// <summary>Requests of scripts and hub clients: these get 401/403, never a redirect to an HTML page.</summary>
    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments(ApiPrefix) || request.Path.StartsWithSegments(HubsPrefix);

    /// <summary>
    /// Only a page (a routed component) is answered with a redirect to the sign-in or access-denied page; every other
    /// endpoint (APIs, hubs, the Blazor circuit, metrics, files) gets a bare status a client can act on.
    /// </summary>
    public static bool WantsRedirect(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (IsApiRequest(http.Request))
        {
            return false;
        }
        return http.GetEndpoint() is not { } endpoint
            || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null;
    }

    /// <summary>
    /// The cookie scheme's challenge or forbid: a redirect to the login or access-denied page for pages, a bare status
    /// for everything else (the status-code pages turn it into problem+json; a 401 also names the bearer scheme).
    /// </summary>
    internal static Task ChallengeAsync(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (!WantsRedirect(context.HttpContext))
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.Append(Microsoft.Net.Http.Headers.HeaderNames.WWWAuthenticate, "Bearer");
            }
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>A return URL is followed only when it stays on this site (a path, not <c>//host</c> or <c>/\host</c>).</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains("://", StringComparison.Ordinal)
            ? url
            : "/";
}
