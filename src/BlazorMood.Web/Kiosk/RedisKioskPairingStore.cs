using System.Globalization;
using BlazorMood.Events;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BlazorMood.Web.Kiosk;

/// <summary>
/// The waiting pairings of every node in the Redis they share, so a code shown by a screen on one node can be entered
/// by an admin whose phone reaches another. Every operation is one Lua script, so it is atomic across nodes: a code is
/// completed once, the token is handed over once, and the limits count every node's starts and failures.
/// <para>
/// Keys, all under <c>{&lt;prefix&gt;:kiosk-pairing}:</c> (the braces put them in one cluster hash slot, since the scripts
/// reach keys they only learn while running): <c>code:&lt;CODE&gt;</c>, a hash of the secret's hash, the deadline and,
/// once paired, the token; <c>secret:&lt;sha-256 hex&gt;</c> → the code (the raw secret is never stored);
/// <c>waiting</c>, a sorted set of the waiting codes by deadline (its size is the count held to
/// <see cref="KioskPairing.Capacity"/>); <c>starts:&lt;address&gt;</c> and <c>failures:&lt;admin id&gt;</c>, sorted sets of
/// recent starts and wrong codes by time (sliding windows, as in memory). Every key expires after
/// <see cref="KioskPairing.Lifetime"/> (<see cref="KioskPairing.FailureWindow"/> for failures), so nothing outlives its use
/// even if no node comes back to clean up; the scripts themselves go by the deadlines and times the caller's clock
/// passes in, so a pairing is gone exactly when its deadline passes, as in memory.
/// </para>
/// </summary>
public sealed class RedisKioskPairingStore : IKioskPairingStore
{
    // Run first in every script (KEYS[1] = waiting set, ARGV[1] = key base, ARGV[2] = now in ms): removes the pairings
    // whose deadline passed, with their secret keys, before anything is counted or looked up.
    private const string ExpireScript = """
        local base = ARGV[1]
        local now = ARGV[2]
        local waiting = KEYS[1]
        local gone = redis.call('ZRANGEBYSCORE', waiting, '-inf', now)
        for _, expired in ipairs(gone) do
          local hash = redis.call('HGET', base .. 'code:' .. expired, 'secret')
          if hash then redis.call('DEL', base .. 'secret:' .. hash) end
          redis.call('DEL', base .. 'code:' .. expired)
        end
        if #gone > 0 then redis.call('ZREMRANGEBYSCORE', waiting, '-inf', now) end

        """;

    // ARGV: 3 code, 4 secret hash, 5 deadline ms, 6 lifetime ms, 7 capacity, 8 max starts, 9 address,
    // 10 starts cut-off ms (inclusive), 11 unique start id. Returns 0 started, 1 code taken, 2 full, 3 address limited.
    private const string BeginScript = ExpireScript + """
        local starts = base .. 'starts:' .. ARGV[9]
        redis.call('ZREMRANGEBYSCORE', starts, '-inf', ARGV[10])
        if redis.call('ZCARD', waiting) >= tonumber(ARGV[7]) then return 2 end
        if redis.call('ZCARD', starts) >= tonumber(ARGV[8]) then return 3 end
        local code = base .. 'code:' .. ARGV[3]
        if redis.call('EXISTS', code) == 1 then return 1 end
        redis.call('ZADD', starts, now, ARGV[11])
        redis.call('PEXPIRE', starts, ARGV[6])
        redis.call('HSET', code, 'secret', ARGV[4], 'expires', ARGV[5])
        redis.call('PEXPIRE', code, ARGV[6])
        redis.call('SET', base .. 'secret:' .. ARGV[4], ARGV[3], 'PX', ARGV[6])
        redis.call('ZADD', waiting, ARGV[5], ARGV[3])
        redis.call('PEXPIRE', waiting, ARGV[6])
        return 0
        """;

    // ARGV: 3 secret hash. Returns 0 unknown, 1 waiting, 2 paired.
    private const string PeekScript = ExpireScript + """
        local code = redis.call('GET', base .. 'secret:' .. ARGV[3])
        if not code then return 0 end
        if redis.call('HEXISTS', base .. 'code:' .. code, 'token') == 1 then return 2 end
        return 1
        """;

    // ARGV: 3 secret hash. Returns {0} unknown, {1, code} waiting, {2, code, token} paired (and then deletes the pairing).
    private const string CheckScript = ExpireScript + """
        local secret = base .. 'secret:' .. ARGV[3]
        local code = redis.call('GET', secret)
        if not code then return {0} end
        local token = redis.call('HGET', base .. 'code:' .. code, 'token')
        if not token then return {1, code} end
        redis.call('DEL', base .. 'code:' .. code, secret)
        redis.call('ZREM', waiting, code)
        return {2, code, token}
        """;

    // ARGV: 3 admin id, 4 code ('' when it cannot be one), 5 failures cut-off ms (exclusive), 6 max failures,
    // 7 window ms, 8 unique failure id. Returns 0 accepted, 1 unknown, 2 too many attempts.
    private const string TryScript = ExpireScript + """
        local failures = base .. 'failures:' .. ARGV[3]
        redis.call('ZREMRANGEBYSCORE', failures, '-inf', '(' .. ARGV[5])
        if redis.call('ZCARD', failures) >= tonumber(ARGV[6]) then return 2 end
        if ARGV[4] ~= '' then
          local code = base .. 'code:' .. ARGV[4]
          if redis.call('EXISTS', code) == 1 and redis.call('HEXISTS', code, 'token') == 0 then return 0 end
        end
        redis.call('ZADD', failures, now, ARGV[8])
        redis.call('PEXPIRE', failures, ARGV[7])
        return 1
        """;

    // ARGV: 3 code, 4 token. Returns 1 when this call gave the token, 0 when the pairing is gone or paired already.
    private const string CompleteScript = ExpireScript + """
        local code = base .. 'code:' .. ARGV[3]
        if redis.call('EXISTS', code) == 0 then return 0 end
        if redis.call('HSETNX', code, 'token', ARGV[4]) == 0 then return 0 end
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly string _keyBase;
    private readonly RedisKey _waiting;

    public RedisKioskPairingStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _keyBase = KeyBase(options.Value.ChannelPrefix);
        _waiting = _keyBase + "waiting";
    }

    /// <summary>What every key of the pairings starts with, for an app whose Redis prefix is <paramref name="prefix"/>.</summary>
    public static string KeyBase(string prefix) => "{" + prefix + ":kiosk-pairing}:";

    public async ValueTask<KioskPairingStoreBegin> BeginAsync(string code, string secretHash, DateTimeOffset expiresAt, string client, DateTimeOffset now)
    {
        var result = await RunAsync(BeginScript, now,
            code,
            secretHash,
            expiresAt.ToUnixTimeMilliseconds(),
            (long)KioskPairing.Lifetime.TotalMilliseconds,
            KioskPairing.Capacity,
            KioskPairing.MaxStartsPerClient,
            client,
            (now - KioskPairing.Lifetime).ToUnixTimeMilliseconds(),
            UniqueId());
        return (int)result switch
        {
            0 => KioskPairingStoreBegin.Started,
            1 => KioskPairingStoreBegin.CodeTaken,
            2 => KioskPairingStoreBegin.Full,
            _ => KioskPairingStoreBegin.ClientLimited,
        };
    }

    public async ValueTask<KioskPairingState> PeekAsync(string secretHash, DateTimeOffset now) =>
        (int)await RunAsync(PeekScript, now, secretHash) switch
        {
            2 => KioskPairingState.Paired,
            1 => KioskPairingState.Waiting,
            _ => KioskPairingState.Unknown,
        };

    public async ValueTask<(KioskPairingState State, string? Code, string? Token)> CheckAsync(string secretHash, DateTimeOffset now)
    {
        var result = (RedisResult[]?)await RunAsync(CheckScript, now, secretHash) ?? [];
        return (result.Length > 0 ? (int)result[0] : 0) switch
        {
            2 => (KioskPairingState.Paired, (string?)result[1], (string?)result[2]),
            1 => (KioskPairingState.Waiting, (string?)result[1], null),
            _ => (KioskPairingState.Unknown, null, null),
        };
    }

    public async ValueTask<KioskPairingAttempt> TryAsync(string adminId, string? code, DateTimeOffset now) =>
        (int)await RunAsync(TryScript, now,
            adminId,
            code ?? "",
            (now - KioskPairing.FailureWindow).ToUnixTimeMilliseconds(),
            KioskPairing.MaxFailedAttempts,
            (long)KioskPairing.FailureWindow.TotalMilliseconds,
            UniqueId()) switch
        {
            0 => KioskPairingAttempt.Accepted,
            2 => KioskPairingAttempt.TooManyAttempts,
            _ => KioskPairingAttempt.Unknown,
        };

    public async ValueTask<bool> CompleteAsync(string code, string token, DateTimeOffset now) =>
        (int)await RunAsync(CompleteScript, now, code, token) == 1;

    // The waiting set is the one key named up front: it routes the script to the node holding the pairings' hash slot.
    // StackExchange.Redis sends a script the server already knows by its SHA-1 (EVALSHA) rather than its text.
    private Task<RedisResult> RunAsync(string script, DateTimeOffset now, params RedisValue[] arguments) =>
        _redis.GetDatabase().ScriptEvaluateAsync(script, [_waiting], [_keyBase, now.ToUnixTimeMilliseconds(), .. arguments]);

    // Sorted-set members must differ, or two starts (or failures) in the same millisecond would count as one.
    private static string UniqueId() => Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
}
