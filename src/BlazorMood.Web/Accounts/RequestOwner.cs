using BlazorMood.Accounts;

namespace BlazorMood.Web.Accounts;

/// <summary>The <see cref="OwnerIdentity"/> of an HTTP request or of a circuit's connection.</summary>
public static class RequestOwner
{
    /// <summary>The signed-in user of <paramref name="http"/> (a page request while prerendering, or the circuit's connection); null without one.</summary>
    public static string? SessionOf(HttpContext? http) => OwnerIdentity.Of(http?.User);

    /// <summary>
    /// The owner of the request's data. Every data endpoint requires a signed-in caller, so an anonymous request here is
    /// a wiring mistake: it fails instead of sharing one anonymous bucket between strangers.
    /// </summary>
    public static string ForRequest(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return OwnerIdentity.Of(http.User) ?? throw new InvalidOperationException(
            $"{http.Request.Path} resolved the data owner of an anonymous request; the endpoint must require authorization.");
    }
}
