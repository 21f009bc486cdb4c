using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorMood.Web.Accounts;

/// <summary>Options of the bearer-token scheme (nothing to set; the tokens live in the database).</summary>
public sealed class ApiTokenAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>
/// <c>Authorization: Bearer bmt_…</c> for scripts. The token is looked up by hash; the signed-in principal is the one
/// a cookie sign-in of the same user would get (same id, name and role claims), so every policy treats both alike.
/// SignalR clients that cannot set headers on a WebSocket (browsers) send it as <c>?access_token=</c> on hub paths only.
/// </summary>
public sealed partial class ApiTokenAuthenticationHandler(
    IOptionsMonitor<ApiTokenAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiTokens tokens,
    UserManager<IdentityUser> users,
    IUserClaimsPrincipalFactory<IdentityUser> principals)
    : AuthenticationHandler<ApiTokenAuthenticationOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenIdClaim = "bm:token_id";
    private const string BearerPrefix = "Bearer ";

    /// <summary>True when the request carries a token for this scheme (the policy scheme forwards here then).</summary>
    public static bool CarriesToken(HttpContext http) => TokenOf(http) is not null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = TokenOf(Context);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        var owner = await tokens.FindOwnerAsync(token, Context.RequestAborted);
        if (owner is null)
        {
            LogRejected(Logger, Context.Request.Path.ToString());
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }
        var user = await users.FindByIdAsync(owner.UserId);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return AuthenticateResult.Fail("The token's account is locked or gone.");
        }
        var cookiePrincipal = await principals.CreateAsync(user);
        var source = cookiePrincipal.Identities.First();
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
