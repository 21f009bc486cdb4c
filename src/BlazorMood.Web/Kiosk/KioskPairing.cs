using System.Collections.Concurrent;
using System.Security.Cryptography;

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
/// take every place), and an admin gets <see cref="MaxFailedAttempts"/> wrong codes per <see cref="FailureWindow"/>. In memory only:
/// a restart forgets waiting pairings and the screens simply show new codes. Thread-safe singleton.
/// </summary>
public sealed class KioskPairing(TimeProvider time)
{
    public const int CodeLength = 6;
    public const int Capacity = 64;
    public const int MaxFailedAttempts = 5;
    public const int MaxStartsPerClient = 20;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(10);

    // No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read off a wall across a room and typed on a phone without mistakes.
    private const string Alphabet = "ACDEFGHJKMNPQRTUVWXY34679";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Pending> _byCode = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _starts = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a pairing for a screen at network address <paramref name="client"/>; null when <see cref="Capacity"/>
    /// screens are already waiting or this address started <see cref="MaxStartsPerClient"/> lately.
    /// </summary>
    public KioskPairingStart? Begin(string? client = null)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Expire(now);
            var starts = _starts.TryGetValue(client ?? "", out var known) ? known : _starts[client ?? ""] = new Queue<DateTimeOffset>();
            if (_byCode.Count >= Capacity || starts.Count >= MaxStartsPerClient)
            {
                return null;
            }
            starts.Enqueue(now);
            string code;
            do
            {
                code = string.Create(CodeLength, 0, static (span, _) =>
                {
                    for (var i = 0; i < span.Length; i++)
                    {
                        span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
                    }
                });
            }
            while (_byCode.ContainsKey(code));
            var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var pending = new Pending(code, Hash(secret), now + Lifetime);
            _byCode[code] = pending;
            return new KioskPairingStart(code, secret, pending.ExpiresAt);
        }
    }

    /// <summary>
    /// Where the screen holding <paramref name="secret"/> stands, without handing anything over: what the pairing
    /// page asks while it waits (<see cref="Check"/> then completes the pairing).
    /// </summary>
    public KioskPairingState Peek(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 128)
        {
            return KioskPairingState.Unknown;
        }
        var hash = Hash(secret);
        lock (_lock)
        {
            Expire(time.GetUtcNow());
            var pending = _byCode.Values.FirstOrDefault(p => CryptographicOperations.FixedTimeEquals(p.SecretHash, hash));
            return pending is null ? KioskPairingState.Unknown : pending.Token is null ? KioskPairingState.Waiting : KioskPairingState.Paired;
        }
    }

    /// <summary>
    /// Where the screen holding <paramref name="secret"/> stands; when paired, the device token is handed over once
    /// (the pairing is gone afterwards).
    /// </summary>
    public (KioskPairingState State, string? Code, string? Token) Check(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 128)
        {
            return (KioskPairingState.Unknown, null, null);
        }
        var hash = Hash(secret);
        lock (_lock)
        {
            Expire(time.GetUtcNow());
            var pending = _byCode.Values.FirstOrDefault(p => CryptographicOperations.FixedTimeEquals(p.SecretHash, hash));
            if (pending is null)
            {
                return (KioskPairingState.Unknown, null, null);
            }
            if (pending.Token is { } token)
            {
                _byCode.Remove(pending.Code);
                return (KioskPairingState.Paired, pending.Code, token);
            }
            return (KioskPairingState.Waiting, pending.Code, null);
        }
    }

    /// <summary>
    /// An admin entered <paramref name="code"/> (spaces, dashes and case do not matter): accepted when a screen
    /// shows it and nobody paired it yet. Wrong codes count against the admin.
    /// </summary>
    public KioskPairingAttempt Try(string adminId, string? code)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminId);
        var now = time.GetUtcNow();
        var failures = _failures.GetOrAdd(adminId, _ => new Queue<DateTimeOffset>());
        lock (_lock)
        {
            while (failures.Count > 0 && now - failures.Peek() > FailureWindow)
            {
                failures.Dequeue();
            }
            if (failures.Count >= MaxFailedAttempts)
            {
                return KioskPairingAttempt.TooManyAttempts;
            }
            Expire(now);
            if (Normalize(code) is { } normalized && _byCode.TryGetValue(normalized, out var pending) && pending.Token is null)
            {
                return KioskPairingAttempt.Accepted;
            }
            failures.Enqueue(now);
            return KioskPairingAttempt.Unknown;
        }
    }

    /// <summary>Hands a new device's token to the screen showing <paramref name="code"/>; false when it expired meanwhile.</summary>
    public bool Complete(string? code, string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        lock (_lock)
        {
            Expire(time.GetUtcNow());
            if (Normalize(code) is not { } normalized || !_byCode.TryGetValue(normalized, out var pending) || pending.Token is not null)
            {
                return false;
            }
            pending.Token = token;
            return true;
        }
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

    private void Expire(DateTimeOffset now)
    {
        foreach (var code in _byCode.Values.Where(p => p.ExpiresAt <= now).Select(p => p.Code).ToList())
        {
            _byCode.Remove(code);
        }
        foreach (var (client, starts) in _starts.ToList())
        {
            while (starts.Count > 0 && now - starts.Peek() >= Lifetime)
            {
                starts.Dequeue();
            }
            if (starts.Count == 0)
            {
                _starts.Remove(client);
            }
        }
    }

    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));

    private sealed class Pending(string code, byte[] secretHash, DateTimeOffset expiresAt)
    {
        public string Code { get; } = code;

        public byte[] SecretHash { get; } = secretHash;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public string? Token { get; set; }
    }
}
