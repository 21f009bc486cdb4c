using BlazorMood.Data;
using BlazorMood.Data.Accounts;
using BlazorMood.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Accounts;

/// <summary>A token as its owner sees it in the list: never the token itself, which only exists when it is created.</summary>
public sealed record ApiTokenInfo(long Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt);

/// <summary>A new token: <see cref="Token"/> is shown to the user once and is not stored anywhere.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);

/// <summary>
/// Whose token a request carried, with what decides whether the account may still act: its lockout and its security
/// stamp (changed by Identity when the password or other credentials change).
/// </summary>
public sealed record ApiTokenOwner(string UserId, long TokenId, bool LockedOut, string? SecurityStamp);

/// <summary>A token request the user can fix (empty name, too many tokens).</summary>
public sealed class ApiTokenException(string message) : Exception(message);

/// <summary>Personal API tokens: create (shown once), list, revoke, and the look-up behind <c>Authorization: Bearer</c>.</summary>
public interface IApiTokens
{
    Task<CreatedApiToken> CreateAsync(string userId, string name, TimeSpan? lifetime, CancellationToken ct);

    /// <summary>The user's tokens, newest first.</summary>
    Task<IReadOnlyList<ApiTokenInfo>> ListAsync(string userId, CancellationToken ct);

    /// <summary>Deletes one of the user's tokens; false when the user has no such token.</summary>
    Task<bool> RevokeAsync(string userId, long tokenId, CancellationToken ct);

    /// <summary>The owner of a presented token; null when it is malformed, unknown, revoked or expired.</summary>
    Task<ApiTokenOwner?> FindOwnerAsync(string token, CancellationToken ct);

    /// <summary>True while the user's token <paramref name="tokenId"/> exists and has not expired (open connections re-check it).</summary>
    Task<bool> IsActiveAsync(string userId, long tokenId, CancellationToken ct);
}

/// <summary>
/// Tokens are <see cref="OpaqueToken"/>s with the prefix <c>bmt_</c>: 32 random bytes, of which the database keeps the
/// SHA-256 only, so a leaked database does not leak usable tokens and a look-up is one indexed equality on the hash.
/// </summary>
public sealed partial class ApiTokenService(
    IDbContextFactory<BlazorMoodDbContext> contexts,
    IOptions<AccountOptions> options,
    TimeProvider time,
    ILogger<ApiTokenService> logger,
    CredentialChanges? changes = null) : IApiTokens
{
    public const string TokenPrefix = "bmt_";

    // Writing "last used" on every request would turn every API read into a database write.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedApiToken> CreateAsync(string userId, string name, TimeSpan? lifetime, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw new ApiTokenException("Give the token a name, e.g. the script that will use it.");
        }
        if (trimmed.Length > ApiTokenRecord.MaxNameLength)
        {
            throw new ApiTokenException($"A token name is at most {ApiTokenRecord.MaxNameLength} characters.");
        }
        if (lifetime is { } l && (l <= TimeSpan.Zero || l > TimeSpan.FromDays(3650)))
        {
            throw new ApiTokenException("A token lives between a moment and ten years.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var max = options.Value.MaxApiTokensPerUser;
        if (await db.ApiTokens.CountAsync(t => t.UserId == userId, ct) >= max)
        {
            throw new ApiTokenException($"You already have {max} tokens; revoke one you no longer use first.");
        }
        var token = OpaqueToken.New(TokenPrefix);
        var now = time.GetUtcNow();
        var record = new ApiTokenRecord
        {
            UserId = userId,
            Name = trimmed,
            Hash = OpaqueToken.Hash(token),
            Prefix = token[..ApiTokenRecord.PrefixLength],
            CreatedUtc = now.UtcDateTime,
            ExpiresUtc = lifetime is { } life ? (now + life).UtcDateTime : null,
        };
        db.ApiTokens.Add(record);
        await db.SaveChangesAsync(ct);
        LogCreated(logger, record.Id, userId);
        return new CreatedApiToken(ToInfo(record), token);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedUtc).ThenByDescending(t => t.Id).ToListAsync(ct);
        return rows.Select(ToInfo).ToArray();
    }

    public async Task<bool> RevokeAsync(string userId, long tokenId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // The user id is part of the condition: another user's token id revokes nothing.
        var deleted = await db.ApiTokens.Where(t => t.Id == tokenId && t.UserId == userId).ExecuteDeleteAsync(ct);
        if (deleted > 0)
        {
            LogRevoked(logger, tokenId, userId);
            // Streams and hub connections opened with this token end now, not at their next periodic check.
            changes?.Raise(userId);
        }
        return deleted > 0;
    }

    public async Task<bool> IsActiveAsync(string userId, long tokenId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return await db.ApiTokens.AsNoTracking()
            .AnyAsync(t => t.Id == tokenId && t.UserId == userId && (t.ExpiresUtc == null || t.ExpiresUtc > now), ct);
    }

    public async Task<ApiTokenOwner?> FindOwnerAsync(string token, CancellationToken ct)
    {
        if (!IsWellFormed(token))
        {
            return null;
        }
        var hash = OpaqueToken.Hash(token);
        await using var db = await contexts.CreateDbContextAsync(ct);
        // One query for the token and its account: this runs on every API request made with a token.
        var row = await db.ApiTokens.AsNoTracking().Where(t => t.Hash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { t.Id, t.UserId, t.ExpiresUtc, t.LastUsedUtc, u.LockoutEnabled, u.LockoutEnd, u.SecurityStamp })
            .FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (row is null || (row.ExpiresUtc is { } expires && expires <= now))
        {
            return null;
        }
        if (row.LastUsedUtc is not { } used || now - used >= LastUsedResolution)
        {
            await db.ApiTokens.Where(t => t.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, now), ct);
        }
        var lockedOut = row.LockoutEnabled && row.LockoutEnd is { } end && end > time.GetUtcNow();
        return new ApiTokenOwner(row.UserId, row.Id, lockedOut, row.SecurityStamp);
    }

    /// <summary>Shape check before any hashing or database work: prefix, length and the base64url alphabet.</summary>
    public static bool IsWellFormed(string? token) => OpaqueToken.IsWellFormed(token, TokenPrefix);

    private static ApiTokenInfo ToInfo(ApiTokenRecord r) => new(
        r.Id, r.Name, r.Prefix, Utc(r.CreatedUtc), r.LastUsedUtc is { } u ? Utc(u) : null, r.ExpiresUtc is { } e ? Utc(e) : null);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "API token {TokenId} created for user {UserId}")]
    private static partial void LogCreated(ILogger logger, long tokenId, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "API token {TokenId} of user {UserId} revoked")]
    private static partial void LogRevoked(ILogger logger, long tokenId, string userId);
}
