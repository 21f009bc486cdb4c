using BlazorMood.Data;
using BlazorMood.Data.Kiosk;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Web.Kiosk;

/// <summary>A kiosk device as the admin page lists it: never its token, which only exists when the link is created.</summary>
public sealed record KioskDeviceInfo(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastSeenAt, DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A new device: <see cref="Token"/> goes into the link shown once, and is stored nowhere.</summary>
public sealed record CreatedKioskDevice(KioskDeviceInfo Device, string Token);

/// <summary>What became of a device link that was opened.</summary>
public enum KioskEnrollmentStatus
{
    /// <summary>The link belongs to an active device; the browser signs in as it.</summary>
    Accepted,

    /// <summary>Malformed, or no device has it (never existed, or its user was deleted).</summary>
    Unknown,

    /// <summary>An admin revoked the device.</summary>
    Revoked,
}

/// <summary>The outcome of opening a device link; <see cref="User"/> is set when accepted.</summary>
public sealed record KioskEnrollment(KioskEnrollmentStatus Status, IdentityUser? User, KioskDeviceInfo? Device);

/// <summary>A device request an admin can fix (an empty or too long name).</summary>
public sealed class KioskDeviceException(string message) : Exception(message);

/// <summary>Kiosk devices: create (with a one-time link), list, revoke; enrolment and the per-request check behind them.</summary>
public interface IKioskDevices
{
    Task<CreatedKioskDevice> CreateAsync(string name, string createdByUserId, CancellationToken ct);

    /// <summary>Every device, newest first (revoked ones too: they say when they were revoked).</summary>
    Task<IReadOnlyList<KioskDeviceInfo>> ListAsync(CancellationToken ct);

    /// <summary>Revokes a device for good; false when there is no such device or it was revoked already.</summary>
    Task<bool> RevokeAsync(string deviceId, CancellationToken ct);

    /// <summary>Checks a device link's token.</summary>
    Task<KioskEnrollment> EnrollAsync(string? token, CancellationToken ct);

    /// <summary>
    /// The check of every request signed in with the Kiosk role: false when the account is a revoked device.
    /// Accounts that are no device (a Kiosk-role user made some other way) pass. Notes when the device was last seen.
    /// </summary>
    Task<bool> CheckInAsync(string userId, CancellationToken ct);
}

/// <summary>
/// Devices in the <c>KioskDevices</c> table, each with its own Identity user in role <see cref="Roles.Kiosk"/> (no
/// password: the link is its only way in). Tokens are <see cref="TokenPrefix"/> + 32 random bytes; only their SHA-256
/// is kept. Revoking marks the device, changes its user's security stamp and locks it out, and tells open kiosk pages
/// through <see cref="KioskDeviceEvents"/>, so the screen is refused at once rather than at the next revalidation.
/// </summary>
public sealed partial class KioskDeviceService(
    IDbContextFactory<BlazorMoodDbContext> contexts,
    IServiceScopeFactory scopes,
    KioskDeviceEvents events,
    TimeProvider time,
    ILogger<KioskDeviceService> logger,
    Accounts.CredentialChanges? changes = null) : IKioskDevices
{
    public const string TokenPrefix = "bmk_";

    // Writing "last seen" on every request of a screen would turn its every page and track request into a write.
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedKioskDevice> CreateAsync(string name, string createdByUserId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(createdByUserId);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw new KioskDeviceException("Name the device after where the screen hangs, e.g. \"Gym, weights area\".");
        }
        if (trimmed.Length > KioskDeviceRecord.MaxNameLength)
        {
            throw new KioskDeviceException($"A device name is at most {KioskDeviceRecord.MaxNameLength} characters.");
        }
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(KioskDeviceRecord.IdLength / 2));
        var token = OpaqueToken.New(TokenPrefix);
        var now = time.GetUtcNow();

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var db = scope.ServiceProvider.GetRequiredService<BlazorMoodDbContext>();
        // The user, its role and the device row commit together: a failure leaves no half-made device.
        // On PostgreSQL a transient error runs the whole transaction again, from an empty change tracker and a new user.
        var record = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var user = new IdentityUser
            {
                UserName = "kiosk-" + id,
                // Identity wants a unique address; .invalid is reserved and reaches no one.
                Email = $"kiosk-{id}@kiosk.invalid",
                EmailConfirmed = true,
                LockoutEnabled = true,
            };
            Check(await users.CreateAsync(user), "creating the device's account");
            Check(await users.AddToRoleAsync(user, Roles.Kiosk), "giving the device the Kiosk role");
            var record = new KioskDeviceRecord
            {
                Id = id,
                UserId = user.Id,
                Name = trimmed,
                TokenHash = OpaqueToken.Hash(token),
                CreatedUtc = now.UtcDateTime,
                CreatedByUserId = createdByUserId,
            };
            db.Set<KioskDeviceRecord>().Add(record);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return record;
        }, ct);
        LogCreated(logger, id, trimmed, createdByUserId);
        return new CreatedKioskDevice(ToInfo(record), token);
    }

    public async Task<IReadOnlyList<KioskDeviceInfo>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<KioskDeviceRecord>().AsNoTracking().OrderByDescending(r => r.CreatedUtc).ThenBy(r => r.Id).ToListAsync(ct);
        return rows.Select(ToInfo).ToArray();
    }

    public async Task<bool> RevokeAsync(string deviceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlazorMoodDbContext>();
        var record = await db.Set<KioskDeviceRecord>().FirstOrDefaultAsync(d => d.Id == deviceId, ct);
        if (record is null || record.RevokedUtc is not null)
        {
            return false;
        }
        record.RevokedUtc = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        // Belt and braces: even a check that skipped the device table (the circuit's periodic revalidation, the
        // security stamp validator) now refuses the account.
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(record.UserId) is { } user)
        {
            Check(await users.UpdateSecurityStampAsync(user), "renewing the device account's security stamp");
            Check(await users.SetLockoutEnabledAsync(user, true), "enabling lockout of the device account");
            Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue), "locking the device account");
        }
        LogRevoked(logger, deviceId, record.Name);
        events.RaiseRevoked(record.UserId);
        // The device's hub connections and SSE streams end now too.
        changes?.Raise(record.UserId);
        return true;
    }

    public async Task<KioskEnrollment> EnrollAsync(string? token, CancellationToken ct)
    {
        if (!OpaqueToken.IsWellFormed(token, TokenPrefix))
        {
            return new(KioskEnrollmentStatus.Unknown, null, null);
        }
        var hash = OpaqueToken.Hash(token!);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlazorMoodDbContext>();
        var record = await db.Set<KioskDeviceRecord>().AsNoTracking().FirstOrDefaultAsync(d => d.TokenHash == hash, ct);
        if (record is null)
        {
            return new(KioskEnrollmentStatus.Unknown, null, null);
        }
        if (record.RevokedUtc is not null)
        {
            return new(KioskEnrollmentStatus.Revoked, null, ToInfo(record));
        }
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByIdAsync(record.UserId);
        if (user is null)
        {
            return new(KioskEnrollmentStatus.Unknown, null, null);
        }
        await TouchAsync(db, record.Id, record.LastSeenUtc, ct);
        LogEnrolled(logger, record.Id, record.Name);
        return new(KioskEnrollmentStatus.Accepted, user, ToInfo(record));
    }

    public async Task<bool> CheckInAsync(string userId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<KioskDeviceRecord>().AsNoTracking().Where(d => d.UserId == userId)
            .Select(d => new { d.Id, d.RevokedUtc, d.LastSeenUtc }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return true;
        }
        if (row.RevokedUtc is not null)
        {
            return false;
        }
        await TouchAsync(db, row.Id, row.LastSeenUtc, ct);
        return true;
    }

    private async Task TouchAsync(BlazorMoodDbContext db, string id, DateTime? lastSeen, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (lastSeen is not { } seen || now - seen >= LastSeenResolution)
        {
            await db.Set<KioskDeviceRecord>().Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.LastSeenUtc, now), ct);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Failed {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    private static KioskDeviceInfo ToInfo(KioskDeviceRecord r) => new(
        r.Id, r.Name, Utc(r.CreatedUtc), r.LastSeenUtc is { } s ? Utc(s) : null, r.RevokedUtc is { } v ? Utc(v) : null);

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk device {DeviceId} ({Name}) created by {UserId}")]
    private static partial void LogCreated(ILogger logger, string deviceId, string name, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk device {DeviceId} ({Name}) revoked")]
    private static partial void LogRevoked(ILogger logger, string deviceId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk device {DeviceId} ({Name}) signed in with its link")]
    private static partial void LogEnrolled(ILogger logger, string deviceId, string name);
}
