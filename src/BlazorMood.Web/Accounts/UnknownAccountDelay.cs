using Microsoft.AspNetCore.Identity;

namespace BlazorMood.Web.Accounts;

/// <summary>
/// Makes a sign-in with an unknown email cost what one with a known email costs: Identity answers an unknown user at
/// once, while a known one pays for a password hash check (PBKDF2, tens of milliseconds), so the response time told
/// whether an account exists. The unknown case verifies the password against a hash of a random password made with
/// the same hasher and settings, and throws the result away.
/// </summary>
public sealed class UnknownAccountDelay(IPasswordHasher<IdentityUser> hasher)
{
    private readonly Lazy<string> _dummyHash = new(() =>
        hasher.HashPassword(new IdentityUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    /// <summary>Spends one password verification on <paramref name="password"/>; the answer is always "wrong".</summary>
    public void Spend(string password) =>
        _ = hasher.VerifyHashedPassword(new IdentityUser(), _dummyHash.Value, password ?? "");
}
