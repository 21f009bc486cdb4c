using BlazorMood.Data;
using BlazorMood.Data.Emotions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Tests;

/// <summary>The data layer on a real SQLite file in a temporary folder, migrated the way the host does it.</summary>
public sealed class DataTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-data-").FullName;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _services = Build(new Dictionary<string, string?> { ["Data:DatabasePath"] = "db/test.db" });
        await StartHostedServicesAsync(_services);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(_root));
        services.AddData(configuration);
        return services.BuildServiceProvider(validateScopes: true);
    }

    private static async Task StartHostedServicesAsync(IServiceProvider services)
    {
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Start_up_creates_the_database_under_the_content_root_applies_every_migration_and_turns_on_WAL()
    {
        Assert.True(File.Exists(Path.Combine(_root, "db", "test.db")));
        await using var db = await _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Contains(applied, m => m.EndsWith("_InitialEmotionEvents", StringComparison.Ordinal));
        Assert.Contains(applied, m => m.EndsWith("_MusicLibrary", StringComparison.Ordinal));
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Emotion_events_round_trip_and_are_queried_per_session_newest_first()
    {
        var contexts = _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();
        var t0 = new DateTime(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.EmotionEvents.AddRange(
                new EmotionEvent { SessionId = "a", Label = "happy", Confidence = 0.8f, OccurredAtUtc = t0, Source = "live" },
                new EmotionEvent { SessionId = "a", Label = "sad", Confidence = 0.6f, OccurredAtUtc = t0.AddSeconds(5), Source = "live" },
                new EmotionEvent { SessionId = "b", Label = "fear", Confidence = 0.5f, OccurredAtUtc = t0.AddSeconds(1), Source = "live" });
            await db.SaveChangesAsync();
        }

        await using var read = await contexts.CreateDbContextAsync();
        var rows = await read.EmotionEvents.Where(e => e.SessionId == "a").OrderByDescending(e => e.OccurredAtUtc).ToListAsync();

        Assert.Equal(["sad", "happy"], rows.Select(r => r.Label));
        Assert.Equal(0.6f, rows[0].Confidence);
        Assert.Equal(t0.AddSeconds(5), rows[0].OccurredAtUtc);
        Assert.Null(rows[0].UserId);
    }

    [Fact]
    public async Task Labels_longer_than_the_column_are_refused_by_the_model_limits()
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();
        var entity = db.Model.FindEntityType(typeof(EmotionEvent))!;

        Assert.Equal(EmotionEvent.MaxLabelLength, entity.FindProperty(nameof(EmotionEvent.Label))!.GetMaxLength());
        Assert.Equal(EmotionEvent.MaxSessionIdLength, entity.FindProperty(nameof(EmotionEvent.SessionId))!.GetMaxLength());
        Assert.Contains(entity.GetIndexes(), i => i.Properties.Select(p => p.Name).SequenceEqual([nameof(EmotionEvent.SessionId), nameof(EmotionEvent.OccurredAtUtc)]));
    }

    [Fact]
    public void The_model_has_no_changes_missing_from_the_committed_migrations()
    {
        using var scope = _services.CreateScope();
        using var db = _services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContext();

        Assert.False(db.Database.HasPendingModelChanges(), "run 'dotnet ef migrations add' for the model change");
    }

    [Fact]
    public void The_default_path_is_data_blazormood_db_under_the_content_root()
    {
        var options = new DataOptions();

        var connection = new SqliteConnectionStringBuilder(DataServiceCollectionExtensions.ConnectionString(options, _root));

        Assert.Equal(Path.Combine(_root, "data", "blazormood.db"), connection.DataSource);
        Assert.True(options.WriteAheadLog);
        Assert.True(Directory.Exists(Path.Combine(_root, "data")));
    }

    [Fact]
    public async Task An_absolute_path_is_used_as_it_is_and_WAL_can_be_turned_off()
    {
        var path = Path.Combine(_root, "elsewhere", "x.db");
        await using var services = Build(new Dictionary<string, string?> { ["Data:DatabasePath"] = path, ["Data:WriteAheadLog"] = "false" });
        await StartHostedServicesAsync(services);

        Assert.Equal(path, services.GetRequiredService<IOptions<DataOptions>>().Value.DatabasePath);
        await using var db = await services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("delete", (string?)await command.ExecuteScalarAsync());
        Assert.True(File.Exists(path));
    }
}
