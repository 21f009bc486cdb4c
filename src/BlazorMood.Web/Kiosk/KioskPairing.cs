using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace BlazorMood.Web.Kiosk;

/// <summary>A pairing the wall screen started: the code it shows, and the secret only its browser holds (a cookie).</summary>
public sealed record KioskPairingStart(string Code, string Secret, DateTimeOffset ExpiresAt);

/// <summary>Where a wall screen's pairing stands.</summary>
public enum KioskPairingState
{
    /// <summary>No such pairing, or it expired: the screen starts a new one.</summary>
    Unknown,

    /// <summary>Shown on the screen, waiting for an admin to enter the code.</summary>
    Waiting,

    /// <summary>An admin entered the code; the screen signs in with the device's token.</summary>
    Paired,
}

/// <summary>What became of a code an admin entered.</summary>
public enum KioskPairingAttempt
{
    /// <summary>The code is waiting; the admin may create the device and complete the pairing.</summary>
    Accepted,

    /// <summary>No screen shows this code (mistyped, expired, or used).</summary>
    Unknown,

    /// <summary>This admin entered too many wrong codes lately; try again later.</summary>
    TooManyAttempts,
}

/// <summary>
/// Pairing a wall screen without typing a link: the screen opens <c>/kiosk/pair</c> and shows a short code
/// (<see cref="CodeLength"/> characters without look-alikes such as 0/O or 1/I, valid for <see cref="Lifetime"/>); an
/// admin enters it under Admin → Kiosk devices, which creates the device and hands its token to the waiting pairing;
/// the screen's next look signs it in. A code is used once; the token never leaves the server (the screen proves it
/// is the one that asked with a secret in a cookie). Bounded: at most <see cref="Capacity"/> screens wait at once, one
/// network address starts at most <see cref="MaxStartsPerClient"/> pairings per <see cref="Lifetime"/> (a crawler cannot
/// take every place), and an admin gets <see cref="MaxFailedAttempts"/> wrong codes per <see cref="FailureWindow"/>.
/// The waiting pairings live in an <see cref="IKioskPairingStore"/>: in memory on a single node (a restart forgets
/// them and the screens simply show new codes), in Redis when several nodes share one (the screen and the admin's
/// phone may reach different nodes). The device token waits there encrypted with the app's Data Protection key ring
/// (shared by the nodes, as the sign-in cookies need), so a copy of Redis holds no usable token. Thread-safe singleton.
/// </summary>
public sealed partial class KioskPairing(IKioskPairingStore store, TimeProvider time, ILogger<KioskPairing> logger,
    IDataProtectionProvider? protection = null)
{
    private readonly IDataProtector? _tokens = protection?.CreateProtector("BlazorMood.Kiosk.PairingToken");

    public const int CodeLength = 6;
    public const int Capacity = 64;
    public const int MaxFailedAttempts = 5;
    public const int MaxStartsPerClient = 20;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(10);

    // No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read off a wall across a room and typed on a phone without mistakes.
    private const string Alphabet = "ACDEFGHJKMNPQRTUVWXY34679";

    /// <summary>
    /// Starts a pairing for a screen at network address <paramref name="client"/>; null when <see cref="Capacity"/>
    /// screens are already waiting or this address started <see cref="MaxStartsPerClient"/> lately.
    /// </summary>
    public async ValueTask<KioskPairingStart?> BeginAsync(string? client = null)
    {
        var now = time.GetUtcNow();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var secretHash = Hash(secret);
        var expiresAt = now + Lifetime;
        while (true)
        {
            var code = string.Create(CodeLength, 0, static (span, _) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
                }
            });
            switch (await store.BeginAsync(code, secretHash, expiresAt, client ?? "", now))
            {
                case KioskPairingStoreBegin.Started:
                    return new KioskPairingStart(code, secret, expiresAt);
                case KioskPairingStoreBegin.Full:
                    LogFull(logger, Capacity);
                    return null;
                case KioskPairingStoreBegin.ClientLimited:
                    LogClientLimited(logger, client ?? "", MaxStartsPerClient, (int)Lifetime.TotalMinutes);
                    return null;
                default:
                    // Another screen shows this code: draw again (one in millions while at most Capacity wait).
                    continue;
            }
        }
    }

    /// <summary>
    /// Where the screen holding <paramref name="secret"/> stands, without handing anything over: what the pairing
    /// page asks while it waits (<see cref="CheckAsync"/> then completes the pairing).
    /// </summary>
    public async ValueTask<KioskPairingState> PeekAsync(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 128)
        {
            return KioskPairingState.Unknown;
        }
        return await store.PeekAsync(Hash(secret), time.GetUtcNow());
    }

    /// <summary>
    /// Where the screen holding <paramref name="secret"/> stands; when paired, the device token is handed over once
    /// (the pairing is gone afterwards).
    /// </summary>
    public async ValueTask<(KioskPairingState State, string? Code, string? Token)> CheckAsync(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 128)
        {
            return (KioskPairingState.Unknown, null, null);
        }
        var (state, code, token) = await store.CheckAsync(Hash(secret), time.GetUtcNow());
        if (token is null || _tokens is null)
        {
            return (state, code, token);
        }
        try
        {
            return (state, code, _tokens.Unprotect(token));
        }
        catch (CryptographicException e)
        {
            // Another node protected it with a key this one does not have (a key ring that is not shared): the screen
            // starts over with a new code rather than failing.
            LogTokenUnreadable(logger, e);
            return (KioskPairingState.Unknown, null, null);
        }
    }

    /// <summary>
    /// An admin entered <paramref name="code"/> (spaces, dashes and case do not matter): accepted when a screen
    /// shows it and nobody paired it yet. Wrong codes count against the admin.
    /// </summary>
    public async ValueTask<KioskPairingAttempt> TryAsync(string adminId, string? code)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminId);
        return await store.TryAsync(adminId, Normalize(code), time.GetUtcNow());
    }

    /// <summary>Hands a new device's token to the screen showing <paramref name="code"/>; false when it expired meanwhile.</summary>
    public async ValueTask<bool> CompleteAsync(string? code, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return Normalize(code) is { } normalized && await store.CompleteAsync(normalized, _tokens?.Protect(token) ?? token, time.GetUtcNow());
    }

    /// <summary>A code as typed ("k7m 3qx", "K7M-3QX") in its stored form; null when it cannot be one.</summary>
    public static string? Normalize(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 32)
        {
            return null;
        }
        var letters = new string(code.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());
        return letters.Length == CodeLength && letters.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? letters : null;
    }

    /// <summary>"K7M3QX" as "K7M 3QX": two halves are easier to read off a wall.</summary>
    public static string Display(string code) => code.Length == CodeLength ? code[..3] + " " + code[3..] : code;

    // Stores only ever see this: whoever reads a store (or Redis) cannot claim a screen's token with it.
    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kiosk pairing refused: {Capacity} screens are waiting already")]
    private static partial void LogFull(ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kiosk pairing refused to {Client}: it started {MaxStarts} pairings in the last {Minutes} minutes")]
    private static partial void LogClientLimited(ILogger logger, string client, int maxStarts, int minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A paired kiosk's device token could not be decrypted (is the Data Protection key ring shared by every node?); the screen starts over")]
    private static partial void LogTokenUnreadable(ILogger logger, Exception exception);
}
