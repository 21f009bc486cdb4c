namespace BlazorMood.Data.Kiosk;

/// <summary>
/// A kiosk screen an admin enrolled with a device link. The screen signs in as its own Identity user (role Kiosk),
/// created with the device and kept after revocation so that its plays stay attributable. Only the SHA-256 of the
/// link's token is stored: the link is shown once and cannot be recovered from the database.
/// </summary>
public sealed class KioskDeviceRecord
{
    public const int IdLength = 32;
    public const int MaxNameLength = 80;
    public const int HashLength = 32;
    public const int MaxUserIdLength = 450;

    /// <summary>32 lower-case hex characters.</summary>
    public required string Id { get; set; }

    /// <summary>The device's own Identity user; the device record dies with it.</summary>
    public required string UserId { get; set; }

    /// <summary>Where the screen hangs ("Gym, weights area").</summary>
    public required string Name { get; set; }

    /// <summary>SHA-256 of the link's token; unique.</summary>
    public required byte[] TokenHash { get; set; }

    public DateTime CreatedUtc { get; set; }

    /// <summary>The admin who created it; null once that account is deleted.</summary>
    public string? CreatedByUserId { get; set; }

    /// <summary>Last time the screen was seen signed in (updated at most once a minute).</summary>
    public DateTime? LastSeenUtc { get; set; }

    /// <summary>When an admin revoked it; a revoked device is refused everywhere at once and for good.</summary>
    public DateTime? RevokedUtc { get; set; }
}
