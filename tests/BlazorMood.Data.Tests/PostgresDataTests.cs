using BlazorMood.Data.Emotions;
using BlazorMood.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Tests;

/// <summary>
/// The data layer on a real PostgreSQL server (scripts/start-test-services.sh), one fresh database per test, wired
/// through the same <c>AddData</c> as the host with <c>Data:Provider=Postgres</c>.
/// </summary>
public sealed class PostgresDataTests : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _database = await TestServices.CreatePostgresDatabaseAsync();
        _services = Build(new Dictionary<string, string?>
        {
            ["Data:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = _database.ConnectionString,
        });
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(Path.GetTempPath()));
        services.AddData(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    [Fact]
    public async Task Start_up_applies_every_PostgreSQL_migration_from_the_Postgres_assembly()
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();

        Assert.Equal(BlazorMoodDbContext.PostgresProviderName, db.Database.ProviderName);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.NotEmpty(applied);
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Equal(DataServiceCollectionExtensions.PostgresMigrationsAssembly, Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly>(db).Assembly.GetName().Name);
    }

    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_PostgreSQL_migrations()
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();

        Assert.False(db.Database.HasPendingModelChanges(),
            "run 'dotnet ef migrations add <Name> -p src/BlazorMood.Data.Postgres -s src/BlazorMood.Data.Postgres' for the model change");
    }

    [Fact]
    public async Task Times_of_any_kind_are_stored_as_UTC_and_read_back_as_UTC_in_order()
    {
        var contexts = _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();
        var t0 = new DateTime(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.EmotionEvents.AddRange(
                new EmotionEvent { SessionId = "a", Label = "happy", Confidence = 0.8f, OccurredAtUtc = t0, Source = "live" },
                // Unspecified kind, as a value read from SQLite or built by hand would be: Npgsql alone would refuse it.
                new EmotionEvent { SessionId = "a", Label = "sad", Confidence = 0.6f, OccurredAtUtc = DateTime.SpecifyKind(t0.AddSeconds(5), DateTimeKind.Unspecified), Source = "live" },
                new EmotionEvent { SessionId = "b", Label = "fear", Confidence = 0.5f, OccurredAtUtc = t0.AddSeconds(1), Source = "live" });
            await db.SaveChangesAsync();
        }

        await using var read = await contexts.CreateDbContextAsync();
        var since = DateTime.SpecifyKind(t0.AddSeconds(1), DateTimeKind.Unspecified);
        var rows = await read.EmotionEvents.Where(e => e.SessionId == "a").OrderByDescending(e => e.OccurredAtUtc).ToListAsync();
        var recent = await read.EmotionEvents.Where(e => e.OccurredAtUtc >= since).CountAsync();

        Assert.Equal(["sad", "happy"], rows.Select(r => r.Label));
        Assert.Equal(t0.AddSeconds(5), rows[0].OccurredAtUtc);
        Assert.Equal(DateTimeKind.Utc, rows[0].OccurredAtUtc.Kind);
        Assert.Equal(2, recent);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused_at_start_with_a_clear_message()
    {
        using var services = Build(new Dictionary<string, string?> { ["Data:Provider"] = "Postgres" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DataOptions>>().Value);

        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_PostgresConnectionString_wins_over_ConnectionStrings_Postgres()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Data:Provider"] = "Postgres",
            ["Data:PostgresConnectionString"] = "Host=a",
            ["ConnectionStrings:Postgres"] = "Host=b",
        });

        Assert.Equal("Host=a", services.GetRequiredService<IOptions<DataOptions>>().Value.PostgresConnectionString);
    }
}
