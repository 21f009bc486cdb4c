using System.Security.Cryptography;

namespace BlazorMood.Web.Kiosk;

/// <summary>What became of a store's attempt to keep a new pairing.</summary>
public enum KioskPairingStoreBegin
{
    /// <summary>Kept: the code now waits for an admin.</summary>
    Started,

    /// <summary>Another screen shows this code right now; the caller draws another.</summary>
    CodeTaken,

    /// <summary><see cref="KioskPairing.Capacity"/> screens wait already.</summary>
    Full,

    /// <summary>This network address started <see cref="KioskPairing.MaxStartsPerClient"/> pairings lately.</summary>
    ClientLimited,
}

/// <summary>
/// Where the waiting pairings of <see cref="KioskPairing"/> live: in this process (<see cref="InMemoryKioskPairingStore"/>,
/// one node) or in Redis (<see cref="RedisKioskPairingStore"/>, every node sees the same codes, so the admin's phone
/// and the wall screen may reach different nodes). Each operation is atomic and applies the limits of
/// <see cref="KioskPairing"/> itself, so no node can check then act on a state another node changed in between. The
/// caller passes its clock's <c>now</c>: a pairing is gone once its deadline is at or before it, whatever the store
/// does to clean up. Secrets reach the store only as hashes.
/// </summary>
public interface IKioskPairingStore
{
    /// <summary>
    /// Keeps a pairing showing <paramref name="code"/> until <paramref name="expiresAt"/> for the browser whose secret
    /// hashes to <paramref name="secretHash"/> (lower-case hex), started from network address <paramref name="client"/>.
    /// </summary>
    ValueTask<KioskPairingStoreBegin> BeginAsync(string code, string secretHash, DateTimeOffset expiresAt, string client, DateTimeOffset now);

    /// <summary>Where the pairing of the browser holding the secret stands, handing nothing over.</summary>
    ValueTask<KioskPairingState> PeekAsync(string secretHash, DateTimeOffset now);

    /// <summary>Where it stands; when paired, removes the pairing and returns its token (so only one caller ever gets it).</summary>
    ValueTask<(KioskPairingState State, string? Code, string? Token)> CheckAsync(string secretHash, DateTimeOffset now);

    /// <summary>
    /// An admin entered <paramref name="code"/> (normalized, or null when it cannot be a code): accepted when it waits
    /// unpaired; otherwise counted against the admin, who is refused for a while after <see cref="KioskPairing.MaxFailedAttempts"/>.
    /// </summary>
    ValueTask<KioskPairingAttempt> TryAsync(string adminId, string? code, DateTimeOffset now);

    /// <summary>Gives <paramref name="token"/> to the pairing waiting under <paramref name="code"/>; false when gone or paired already.</summary>
    ValueTask<bool> CompleteAsync(string code, string token, DateTimeOffset now);
}

/// <summary>
/// The pairings of one process (a single node; a restart forgets them and the screens show new codes). Thread-safe.
/// </summary>
public sealed class InMemoryKioskPairingStore : IKioskPairingStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Pending> _byCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _starts = new(StringComparer.Ordinal);

    public ValueTask<KioskPairingStoreBegin> BeginAsync(string code, string secretHash, DateTimeOffset expiresAt, string client, DateTimeOffset now)
    {
        lock (_lock)
        {
            Expire(now);
            var starts = _starts.TryGetValue(client, out var known) ? known : _starts[client] = new Queue<DateTimeOffset>();
            if (_byCode.Count >= KioskPairing.Capacity)
            {
                return ValueTask.FromResult(KioskPairingStoreBegin.Full);
            }
            if (starts.Count >= KioskPairing.MaxStartsPerClient)
            {
                return ValueTask.FromResult(KioskPairingStoreBegin.ClientLimited);
            }
            if (_byCode.ContainsKey(code))
            {
                return ValueTask.FromResult(KioskPairingStoreBegin.CodeTaken);
            }
            starts.Enqueue(now);
            _byCode[code] = new Pending(code, Convert.FromHexString(secretHash), expiresAt);
            return ValueTask.FromResult(KioskPairingStoreBegin.Started);
        }
    }

    public ValueTask<KioskPairingState> PeekAsync(string secretHash, DateTimeOffset now)
    {
        lock (_lock)
        {
            Expire(now);
            var pending = Find(secretHash);
            return ValueTask.FromResult(pending is null ? KioskPairingState.Unknown : pending.Token is null ? KioskPairingState.Waiting : KioskPairingState.Paired);
        }
    }

    public ValueTask<(KioskPairingState State, string? Code, string? Token)> CheckAsync(string secretHash, DateTimeOffset now)
    {
        lock (_lock)
        {
            Expire(now);
            var pending = Find(secretHash);
            if (pending is null)
            {
                return ValueTask.FromResult<(KioskPairingState, string?, string?)>((KioskPairingState.Unknown, null, null));
            }
            if (pending.Token is { } token)
            {
                _byCode.Remove(pending.Code);
                return ValueTask.FromResult<(KioskPairingState, string?, string?)>((KioskPairingState.Paired, pending.Code, token));
            }
            return ValueTask.FromResult<(KioskPairingState, string?, string?)>((KioskPairingState.Waiting, pending.Code, null));
        }
    }

    public ValueTask<KioskPairingAttempt> TryAsync(string adminId, string? code, DateTimeOffset now)
    {
        lock (_lock)
        {
            var failures = _failures.TryGetValue(adminId, out var known) ? known : _failures[adminId] = new Queue<DateTimeOffset>();
            while (failures.Count > 0 && now - failures.Peek() > KioskPairing.FailureWindow)
            {
                failures.Dequeue();
            }
            if (failures.Count >= KioskPairing.MaxFailedAttempts)
            {
                return ValueTask.FromResult(KioskPairingAttempt.TooManyAttempts);
            }
            Expire(now);
            if (code is not null && _byCode.TryGetValue(code, out var pending) && pending.Token is null)
            {
                return ValueTask.FromResult(KioskPairingAttempt.Accepted);
            }
            failures.Enqueue(now);
            return ValueTask.FromResult(KioskPairingAttempt.Unknown);
        }
    }

    public ValueTask<bool> CompleteAsync(string code, string token, DateTimeOffset now)
    {
        lock (_lock)
        {
            Expire(now);
            if (!_byCode.TryGetValue(code, out var pending) || pending.Token is not null)
            {
                return ValueTask.FromResult(false);
            }
            pending.Token = token;
            return ValueTask.FromResult(true);
        }
    }

    // Each comparison takes the same time whatever the bytes: a lookup tells nothing about how close a guessed secret came.
    private Pending? Find(string secretHash)
    {
        var hash = Convert.FromHexString(secretHash);
        return _byCode.Values.FirstOrDefault(p => CryptographicOperations.FixedTimeEquals(p.SecretHash, hash));
    }

    private void Expire(DateTimeOffset now)
    {
        foreach (var code in _byCode.Values.Where(p => p.ExpiresAt <= now).Select(p => p.Code).ToList())
        {
            _byCode.Remove(code);
        }
        foreach (var (client, starts) in _starts.ToList())
        {
            while (starts.Count > 0 && now - starts.Peek() >= KioskPairing.Lifetime)
            {
                starts.Dequeue();
            }
            if (starts.Count == 0)
            {
                _starts.Remove(client);
            }
        }
    }

    private sealed class Pending(string code, byte[] secretHash, DateTimeOffset expiresAt)
    {
        public string Code { get; } = code;

        public byte[] SecretHash { get; } = secretHash;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public string? Token { get; set; }
    }
}
