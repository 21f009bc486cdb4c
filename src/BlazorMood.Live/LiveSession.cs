using System.Security.Cryptography;

namespace BlazorMood.Live;

/// <summary>
/// Ids of live streams. Since accounts, a stream belongs to the signed-in user (its id is the account's id, see
/// <see cref="Accounts.OwnerIdentity"/>); these helpers check and make short URL-safe ids.
/// </summary>
public static class LiveSession
{
    /// <summary>Up to 64 characters of [A-Za-z0-9_-] (an Identity user id is a GUID string and qualifies).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
