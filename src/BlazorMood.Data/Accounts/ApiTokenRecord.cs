namespace BlazorMood.Data.Accounts;

/// <summary>
/// A personal API token of a user, for scripts (<c>Authorization: Bearer …</c>). Only the SHA-256 of the token is
/// stored: the token itself is shown once when it is created and cannot be recovered from the database.
/// </summary>
public sealed class ApiTokenRecord
{
    public const int MaxNameLength = 64;
    public const int HashLength = 32;
    public const int PrefixLength = 8;
    public const int MaxUserIdLength = 450;

    public long Id { get; set; }

    /// <summary>The owner (an Identity user id); the token dies with the user.</summary>
    public required string UserId { get; set; }

    /// <summary>What the user called it ("backup script").</summary>
    public required string Name { get; set; }

    /// <summary>SHA-256 of the token's bytes as sent; unique.</summary>
    public required byte[] Hash { get; set; }

    /// <summary>The first characters of the token, so the user can tell their tokens apart; not enough to guess one.</summary>
    public required string Prefix { get; set; }

    public DateTime CreatedUtc { get; set; }

    /// <summary>Last successful authentication with it (updated at most once a minute).</summary>
    public DateTime? LastUsedUtc { get; set; }

    /// <summary>After this the token is refused; null for no expiry.</summary>
    public DateTime? ExpiresUtc { get; set; }
}
