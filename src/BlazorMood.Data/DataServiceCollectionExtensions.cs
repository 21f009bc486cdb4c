using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>The assembly holding the PostgreSQL migrations (the SQLite ones live in this assembly).</summary>
    public const string PostgresMigrationsAssembly = "BlazorMood.Data.Postgres";

    /// <summary>
    /// Registers <see cref="BlazorMoodDbContext"/> (through <see cref="IDbContextFactory{TContext}"/>, so singletons and
    /// background services can open short-lived contexts) on SQLite or PostgreSQL as <c>Data:Provider</c> says, binds
    /// <see cref="DataOptions"/> from the <c>Data</c> section, and migrates the database when the host starts.
    /// Every feature that needs the database calls this first (a second call adds nothing), so the migration is
    /// registered, and therefore runs, before any of their hosted services whatever order the host adds features in.
    /// </summary>
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(DataMarker)))
        {
            return services;
        }
        services.AddSingleton<DataMarker>();
        services.AddOptions<DataOptions>()
            .Bind(configuration.GetSection(DataOptions.SectionName))
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.PostgresConnectionString))
                {
                    o.PostgresConnectionString = configuration.GetConnectionString(DataOptions.PostgresConnectionName);
                }
            })
            .ValidateDataAnnotations()
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.PostgresConnectionString),
                "Data:Provider is Postgres but neither Data:PostgresConnectionString nor ConnectionStrings:Postgres is set.")
            .ValidateOnStart();
        services.AddDbContextFactory<BlazorMoodDbContext>((sp, options) =>
        {
            var data = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            var root = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Environment.CurrentDirectory;
            Configure(options, data, root);
        });
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton<ResilientBatchWriter>();
        return services;
    }

    /// <summary>Registered once by <see cref="AddData"/>.</summary>
    private sealed class DataMarker;

    /// <summary>Points <paramref name="builder"/> at the database <paramref name="data"/> describes, with the matching migrations.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DataOptions data, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(data);
        return data.Provider switch
        {
            // Transient errors (a failover, a dropped connection, a serialization failure) are retried by Npgsql's
            // retrying strategy: every explicit transaction therefore runs inside CreateExecutionStrategy().ExecuteAsync.
            DatabaseProvider.Postgres => builder.UseNpgsql(
                data.PostgresConnectionString,
                npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly).EnableRetryOnFailure()),
            _ => builder.UseSqlite(ConnectionString(data, contentRoot)),
        };
    }

    /// <summary>The SQLite connection string for <paramref name="options"/>, creating the database folder when missing.</summary>
    public static string ConnectionString(DataOptions options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.GetFullPath(options.DatabasePath, contentRoot);
        if (Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
        return new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
    }
}

/// <summary>Applies pending migrations (and on SQLite sets the journal mode) before the app serves requests.</summary>
internal sealed partial class DatabaseInitializer(
    IDbContextFactory<BlazorMoodDbContext> contexts,
    IOptions<DataOptions> options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    // A fixed advisory lock key ("BmMigr" in ASCII) that nothing else in the database uses.
    private const string MigrationLockSql = "SELECT pg_advisory_lock(73037217621874)";
    private const string MigrationUnlockSql = "SELECT pg_advisory_unlock(73037217621874)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (o.MigrateOnStart && o.Provider == DatabaseProvider.Postgres)
        {
            // Several nodes may start together on a new database. EF Core's own migration lock lasts one migration's
            // transaction, so a second node that listed the pending migrations before the first applied them runs
            // one again ("column already exists"). A session advisory lock around the whole run makes them take turns;
            // the later one finds nothing pending.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync(MigrationLockSql, cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync(MigrationUnlockSql, CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
        else if (o.MigrateOnStart)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        if (o.Provider == DatabaseProvider.Postgres)
        {
            LogPostgresReady(logger, db.Database.GetDbConnection().DataSource, db.Database.GetDbConnection().Database);
            return;
        }
        // journal_mode is persistent in the file, so every later connection uses it. EF Core creates new SQLite
        // databases in WAL already; set it either way so the option is what decides.
        await db.Database.ExecuteSqlRawAsync(o.WriteAheadLog ? "PRAGMA journal_mode=WAL;" : "PRAGMA journal_mode=DELETE;", cancellationToken);
        LogReady(logger, db.Database.GetDbConnection().DataSource, o.WriteAheadLog);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready at {Path} (WAL {Wal})")]
    private static partial void LogReady(ILogger logger, string path, bool wal);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL database {Database} ready on {Server}")]
    private static partial void LogPostgresReady(ILogger logger, string server, string database);
}
