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
    /// <summary>
    /// Registers <see cref="BlazorMoodDbContext"/> (through <see cref="IDbContextFactory{TContext}"/>, so singletons and
    /// background services can open short-lived contexts) on SQLite, binds <see cref="DataOptions"/> from the <c>Data</c>
    /// section, and migrates the database when the host starts.
    /// </summary>
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DataOptions>()
            .Bind(configuration.GetSection(DataOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddDbContextFactory<BlazorMoodDbContext>((sp, options) =>
        {
            var data = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            var root = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Environment.CurrentDirectory;
            options.UseSqlite(ConnectionString(data, root));
        });
        services.AddHostedService<DatabaseInitializer>();
        return services;
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

/// <summary>Applies pending migrations and switches the journal to WAL before the app serves requests.</summary>
internal sealed partial class DatabaseInitializer(
    IDbContextFactory<BlazorMoodDbContext> contexts,
    IOptions<DataOptions> options,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (o.MigrateOnStart)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        // journal_mode is persistent in the file, so every later connection uses it. EF Core creates new SQLite
        // databases in WAL already; set it either way so the option is what decides.
        await db.Database.ExecuteSqlRawAsync(o.WriteAheadLog ? "PRAGMA journal_mode=WAL;" : "PRAGMA journal_mode=DELETE;", cancellationToken);
        LogReady(logger, db.Database.GetDbConnection().DataSource, o.WriteAheadLog);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready at {Path} (WAL {Wal})")]
    private static partial void LogReady(ILogger logger, string path, bool wal);
}
