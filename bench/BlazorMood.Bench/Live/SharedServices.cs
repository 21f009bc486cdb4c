using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace BlazorMood.Bench.Live;

/// <summary>
/// What the web nodes of <c>bench live --nodes</c> share: one PostgreSQL database made for this run (dropped at the end)
/// and one Redis. The servers are those of <c>BLAZORMOOD_TEST_POSTGRES</c> / <c>BLAZORMOOD_TEST_REDIS</c> when set (as
/// the multi-node tests use them), else throw-away ones started with <c>scripts/start-test-services.sh</c> and stopped
/// on dispose.
/// </summary>
internal sealed partial class SharedServices : IAsyncDisposable
{
    private const string PostgresVariable = "BLAZORMOOD_TEST_POSTGRES";
    private const string RedisVariable = "BLAZORMOOD_TEST_REDIS";

    private readonly string _postgresServer;
    private readonly string? _startedDir;
    private readonly string _repoRoot;

    private SharedServices(string repoRoot, string postgresServer, string redis, string? startedDir, string database, string databaseConnectionString)
    {
        _repoRoot = repoRoot;
        _postgresServer = postgresServer;
        _startedDir = startedDir;
        Redis = redis;
        Database = database;
        DatabaseConnectionString = databaseConnectionString;
    }

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string Redis { get; }

    /// <summary>Name of the database made for this run.</summary>
    public string Database { get; }

    /// <summary>Npgsql connection string of that database.</summary>
    public string DatabaseConnectionString { get; }

    /// <summary>Where the servers came from, for the output and the JSON.</summary>
    public string Origin => _startedDir is null ? $"{PostgresVariable} / {RedisVariable}" : "scripts/start-test-services.sh (started for this run)";

    public static async Task<SharedServices> StartAsync(string repoRoot, CancellationToken ct)
    {
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable);
        var redis = Environment.GetEnvironmentVariable(RedisVariable);
        string? startedDir = null;
        if (string.IsNullOrWhiteSpace(postgres) || string.IsNullOrWhiteSpace(redis))
        {
            var exported = await RunScriptAsync(repoRoot, [], ct);
            startedDir = exported.GetValueOrDefault("BLAZORMOOD_TEST_SERVICES_DIR");
            postgres = exported.GetValueOrDefault(PostgresVariable);
            redis = exported.GetValueOrDefault(RedisVariable);
            if (postgres is null || redis is null || startedDir is null)
            {
                if (startedDir is not null)
                {
                    await RunScriptAsync(repoRoot, ["--stop", startedDir], CancellationToken.None);
                }
                throw new InvalidOperationException("scripts/start-test-services.sh did not print the PostgreSQL and Redis variables");
            }
        }
        var database = "bm_bench_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..16];
        try
        {
            await using var connection = new NpgsqlConnection(postgres);
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            if (startedDir is not null)
            {
                await RunScriptAsync(repoRoot, ["--stop", startedDir], CancellationToken.None);
            }
            throw;
        }
        var connectionString = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
        return new SharedServices(repoRoot, postgres, redis, startedDir, database, connectionString);
    }

    /// <summary>
    /// CPU seconds (user + system) of the servers so far, when this run started them (their pids are known): Redis, and
    /// PostgreSQL's postmaster with its live children plus the children it has already reaped. Null for servers from
    /// the environment, which may be shared with other work.
    /// </summary>
    public (double Redis, double Postgres)? CpuSeconds()
    {
        if (_startedDir is null)
        {
            return null;
        }
        var redis = PidFrom(Path.Combine(_startedDir, "redis.pid")) is { } r ? ProcCpu.Of(r, reapedChildren: false) : null;
        var postmaster = PidFrom(Path.Combine(_startedDir, "pg", "postmaster.pid"));
        double? postgres = null;
        if (postmaster is { } pm && ProcCpu.Of(pm, reapedChildren: true) is { } own)
        {
            postgres = own + ProcCpu.ChildrenOf(pm).Sum(child => ProcCpu.Of(child, reapedChildren: true) ?? 0);
        }
        return redis is { } rs && postgres is { } ps ? (rs, ps) : null;
    }

    private static int? PidFrom(string file)
    {
        try
        {
            return File.Exists(file) && int.TryParse(File.ReadLines(file).FirstOrDefault()?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Runs scripts/start-test-services.sh and returns the variables of its <c>export NAME='value'</c> lines.</summary>
    private static async Task<Dictionary<string, string>> RunScriptAsync(string repoRoot, string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repoRoot };
        psi.ArgumentList.Add(Path.Combine(repoRoot, "scripts", "start-test-services.sh"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not run scripts/start-test-services.sh");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var err = (await stderr).Trim();
        if (err.Length > 0)
        {
            Console.Error.WriteLine(err);
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/start-test-services.sh {string.Join(' ', args)} failed with exit code {process.ExitCode}");
        }
        return ExportLine().Matches(await stdout).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
    }

    [GeneratedRegex("^export (?<name>[A-Z_]+)='(?<value>[^']*)'$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ExportLine();

    /// <summary>Drops the run's database (closing the nodes' leftover connections) and stops servers this run started.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresServer);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"live: could not drop the database {Database}: {e.Message}");
        }
        finally
        {
            if (_startedDir is not null)
            {
                await RunScriptAsync(_repoRoot, ["--stop", _startedDir], CancellationToken.None);
            }
        }
    }
}

/// <summary>CPU time of processes read from /proc (Linux); null where a process or /proc is not there.</summary>
internal static class ProcCpu
{
    /// <summary>User + system seconds of <paramref name="pid"/>, with its reaped children's when asked (proc(5) fields 14–17).</summary>
    public static double? Of(int pid, bool reapedChildren)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name, proc(5) field n is at index n - 3: utime 14, stime 15, cutime 16, cstime 17.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (reapedChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /// <summary>Pids whose parent is <paramref name="parent"/> (field 4 of /proc/PID/stat).</summary>
    public static IEnumerable<int> ChildrenOf(int parent)
    {
        if (!Directory.Exists("/proc"))
        {
            yield break;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parent)
            {
                yield return pid;
            }
        }
    }
}
