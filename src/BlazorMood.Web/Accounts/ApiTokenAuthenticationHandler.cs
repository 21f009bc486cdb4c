using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorMood.Web.Accounts;

/// <summary>Options of the bearer-token scheme (nothing to set; the tokens live in the database).</summary>
public sealed class ApiTokenAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>
/// <c>Authorization: Bearer bmt_…</c> for scripts. The token is looked up by hash; the signed-in principal is the one
/// a cookie sign-in of the same user would get (same id, name and role claims), so every policy treats both alike.
/// SignalR clients that cannot set headers on a WebSocket (browsers) send it as <c>?access_token=</c> on hub paths only.
/// Every request checks the token and its account in one query (revoked, deleted or locked out: refused at once); the
/// account's claims (name, roles) are built at most once a minute per account and security stamp.
/// <para>
/// A token is a script's credential, not a browser sign-in: it counts only on <c>/api/…</c>, <c>/hubs/…</c> and the
/// metrics endpoint. Pages, the Blazor circuit (<c>/_blazor</c>) and so the token-management page need the cookie,
/// so a leaked token cannot mint new tokens that would outlive its own revocation.
/// </para>
/// </summary>
public sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<ApiTokenAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiTokens tokens,
    UserManager<IdentityUser> users,
    IUserClaimsPrincipalFactory<IdentityUser> principals,
    IMemoryCache cache)
    : AuthenticationHandler<ApiTokenAuthenticationOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenIdClaim = "bm:token_id";
    private const string BearerPrefix = "Bearer ";

    // Role changes reach token callers within this; cookies see them at their own revalidation.
    private static readonly TimeSpan ClaimsLifetime = TimeSpan.FromMinutes(1);

    /// <summary>True when the request carries a token for this scheme on a path that takes one (the policy scheme forwards here then).</summary>
    public static bool CarriesToken(HttpContext http) => TokenOf(http) is not null && AcceptsTokens(http);

    /// <summary>The paths a token may authenticate: the APIs, the hubs (SignalR clients of scripts) and the metrics endpoint.</summary>
    public static bool AcceptsTokens(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var path = http.Request.Path;
        if (path.StartsWithSegments(AccountEndpoints.ApiPrefix) || path.StartsWithSegments(AccountEndpoints.HubsPrefix))
        {
            return true;
        }
        var metrics = http.RequestServices.GetService<IOptions<BlazorMood.Hosting.OperationsOptions>>()?.Value.MetricsPath;
        return metrics is not null && path.StartsWithSegments(metrics);
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = TokenOf(Context);
        // Also when this scheme is asked directly: elsewhere a token is no credential at all.
        if (token is null || !AcceptsTokens(Context))
        {
            return AuthenticateResult.NoResult();
        }
        var owner = await tokens.FindOwnerAsync(token, Context.RequestAborted);
        if (owner is null)
        {
            LogRejected(Logger, Context.Request.Path.ToString());
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }
        if (owner.LockedOut)
        {
            return AuthenticateResult.Fail("The token's account is locked out.");
        }
        var source = await cache.GetOrCreateAsync(("api-token-claims", owner.UserId, owner.SecurityStamp), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = ClaimsLifetime;
            entry.Size = 1;
            return await users.FindByIdAsync(owner.UserId) is { } user ? (await principals.CreateAsync(user)).Identities.First() : null;
        });
        if (source is null)
        {
            return AuthenticateResult.Fail("The token's account is gone.");
        }
        var identity = new ClaimsIdentity(source.Claims, Scheme.Name, source.NameClaimType, source.RoleClaimType);
        identity.AddClaim(new Claim(TokenIdClaim, owner.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer error=\"invalid_token\"");
        return Task.CompletedTask;
    }

    private static string? TokenOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return header[BearerPrefix.Length..].Trim();
        }
        if (http.Request.Path.StartsWithSegments(AccountEndpoints.HubsPrefix)
            && http.Request.Query["access_token"] is { Count: 1 } query && !string.IsNullOrEmpty(query[0]))
        {
            return query[0];
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected an unknown, revoked or expired API token on {Path}")]
    private static partial void LogRejected(ILogger logger, string path);
}
