using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace BlazorMood.Web.Security;

/// <summary>
/// Bearer secrets shaped <c>&lt;prefix&gt;</c> + 32 random bytes in base64url (43 characters). Only their SHA-256 is
/// stored: a leaked database leaks no usable secret, and a look-up is one indexed equality. A 256-bit random secret
/// needs no slow hash: it cannot be guessed, only stolen. The prefix tells a reader what kind of secret it is.
/// </summary>
public static class OpaqueToken
{
    private const int SecretBytes = 32;
    private const int EncodedLength = 43;

    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string New(string prefix) => prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>Shape check before any hashing or database work: prefix, length and alphabet.</summary>
    public static bool IsWellFormed(string? token, string prefix) =>
        token is not null && token.Length == prefix.Length + EncodedLength && token.StartsWith(prefix, StringComparison.Ordinal)
        && !token.AsSpan(prefix.Length).ContainsAnyExcept(Base64UrlAlphabet);

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
