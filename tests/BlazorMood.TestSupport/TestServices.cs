using System.Globalization;
using Npgsql;

namespace BlazorMood.TestSupport;

/// <summary>
/// The PostgreSQL and Redis servers of the multi-node tests. CI always starts them (scripts/test.sh runs
/// scripts/start-test-services.sh); a test that needs one and finds no variable fails and says how to start them —
/// it never passes by skipping.
/// </summary>
public static class TestServices
{
    public const string PostgresVariable = "BLAZORMOOD_TEST_POSTGRES";
    public const string RedisVariable = "BLAZORMOOD_TEST_REDIS";

    private const string HowToStart =
        "Start the test services first: eval \"$(scripts/start-test-services.sh)\" (needs the Debian packages postgresql and redis-server; scripts/setup.sh --tests installs them), then run the tests from the same shell.";

    /// <summary>Connection string of the test PostgreSQL server (its maintenance database).</summary>
    public static string PostgresServer => Require(PostgresVariable, "PostgreSQL");

    /// <summary>StackExchange.Redis configuration string of the test Redis server.</summary>
    public static string Redis => Require(RedisVariable, "Redis");

    /// <summary>Creates an empty database with a unique name on the test server; dispose the result to drop it.</summary>
    public static async Task<PostgresTestDatabase> CreatePostgresDatabaseAsync(CancellationToken ct = default)
    {
        var server = PostgresServer;
        var name = "bm_test_" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new PostgresTestDatabase(server, name, builder.ConnectionString);
    }

    private static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"This test needs {what}: {variable} is not set. {HowToStart}");
        }
        return value;
    }
}

/// <summary>A database made for one test; dropped (with its open connections) on dispose.</summary>
public sealed class PostgresTestDatabase(string server, string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
