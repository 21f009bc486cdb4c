using System.Security.Claims;

namespace BlazorMood.Web.Accounts;

/// <summary>
/// A further condition a feature puts on a sign-in that <see cref="SignInRevalidator"/> checks on long-lived
/// connections, besides the account's own (token, lockout, security stamp). The kiosk adds one: a revoked wall screen
/// stops at once. Registered as scoped or singleton services; every registered check must pass.
/// </summary>
/// <remarks>Accounts defines the hook and features implement it, so Accounts never depends on the features.</remarks>
public interface ISignInCheck
{
    /// <summary>False when <paramref name="principal"/> (account <paramref name="userId"/>) may no longer act.</summary>
    Task<bool> IsStillValidAsync(ClaimsPrincipal principal, string userId, CancellationToken ct);
}
