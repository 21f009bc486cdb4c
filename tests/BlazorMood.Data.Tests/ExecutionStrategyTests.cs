using System.Data.Common;
using System.Text.Json;
using BlazorMood.Data.Music;
using BlazorMood.Music;
using BlazorMood.Music.Analysis;
using BlazorMood.Music.Library;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorMood.Data.Tests;

/// <summary>
/// The explicit transactions run inside the context's execution strategy: a transient fault injected into one statement
/// of the first attempt makes the strategy run the whole transaction again, and the second attempt's result is the one
/// stored and reported (nothing doubled, nothing lost). SQLite with a retrying strategy of the test's own stands in for
/// PostgreSQL's <c>EnableRetryOnFailure</c>, which refuses a transaction begun outside the strategy in the same way.
/// </summary>
public sealed class ExecutionStrategyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-strategy-").FullName;
    private readonly FailOnce _fault = new();

    private string Library => Path.Combine(_root, "library");

    [Fact]
    public async Task PostgreSQL_contexts_retry_transient_errors()
    {
        var builder = new DbContextOptionsBuilder<BlazorMoodDbContext>();
        DataServiceCollectionExtensions.Configure(builder, new DataOptions { Provider = DatabaseProvider.Postgres, PostgresConnectionString = "Host=localhost;Database=none" }, _root);
        await using var db = new BlazorMoodDbContext(builder.Options);
        var strategy = db.Database.CreateExecutionStrategy();
        Assert.True(strategy.RetriesOnFailure);
        Assert.IsType<Npgsql.EntityFrameworkCore.PostgreSQL.NpgsqlRetryingExecutionStrategy>(strategy);
    }

    [Fact]
    public async Task An_import_whose_first_attempt_fails_transiently_is_stored_once_by_the_retry()
    {
        WritePlaylist("emotion_happy", "a", "b", "c");
        var contexts = await ContextsAsync();
        using var importer = new LibraryImporter(contexts, new StoredTrackFeatures(), TimeProvider.System, NullLogger<LibraryImporter>.Instance);
        _fault.Arm("INSERT INTO \"Tracks\"");

        var result = await importer.ImportAsync(await SnapshotAsync(), CancellationToken.None);

        Assert.Equal(1, _fault.Thrown);
        Assert.Equal(3, result.Added);
        await using var db = await contexts.CreateDbContextAsync();
        Assert.Equal(3, await db.Tracks.CountAsync());
        Assert.Equal(1, await db.Playlists.CountAsync());
    }

    [Fact]
    public async Task Storing_an_analysis_whose_first_attempt_fails_transiently_succeeds_on_the_retry()
    {
        WritePlaylist("emotion_happy", "a");
        var contexts = await ContextsAsync();
        using var importer = new LibraryImporter(contexts, new StoredTrackFeatures(), TimeProvider.System, NullLogger<LibraryImporter>.Instance);
        await importer.ImportAsync(await SnapshotAsync(), CancellationToken.None);
        var id = PlaylistLoader.MakeId("emotion_happy/a.opus");
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Tracks.Where(t => t.Id == id).ExecuteUpdateAsync(u => u.SetProperty(t => t.AnalysisWorkerId, "worker-1"));
        }
        _fault.Arm("UPDATE \"Tracks\"");

        var stored = await importer.StoreAnalysisAsync(id, "worker-1", null, "decode failed", CancellationToken.None);

        Assert.Equal(1, _fault.Thrown);
        Assert.True(stored.Stored);
        await using var check = await contexts.CreateDbContextAsync();
        var row = await check.Tracks.SingleAsync(t => t.Id == id);
        Assert.Equal("decode failed", row.AnalysisError);
        Assert.Null(row.AnalysisWorkerId);
    }

    [Fact]
    public async Task A_transaction_begun_outside_the_strategy_is_refused()
    {
        // The control: the code before this change (BeginTransaction, then SaveChanges) fails under a retrying strategy.
        var contexts = await ContextsAsync();
        await using var db = await contexts.CreateDbContextAsync();
        db.Playlists.Add(new PlaylistRecord { Name = "x", FirstSeenUtc = DateTime.UtcNow, LastSeenUtc = DateTime.UtcNow });
        await using var tx = await db.Database.BeginTransactionAsync();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        // A retrying strategy refuses a transaction begun outside it, as Npgsql's does.
        Assert.Contains("does not support user-initiated transactions", e.Message, StringComparison.Ordinal);
    }

    private async Task<IDbContextFactory<BlazorMoodDbContext>> ContextsAsync()
    {
        var path = Path.Combine(_root, "test.db");
        var services = new ServiceCollection();
        services.AddDbContextFactory<BlazorMoodDbContext>(o => o
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString(),
                sqlite => sqlite.ExecutionStrategy(d => new RetryOnInjectedFault(d)))
            .AddInterceptors(_fault));
        var contexts = services.BuildServiceProvider().GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        return contexts;
    }

    private async Task<LibrarySnapshot> SnapshotAsync()
    {
        await using var files = new ServiceCollection().AddLogging()
            .AddMusic(o => { o.LibraryPath = Library; o.WatchForChanges = false; })
            .BuildServiceProvider();
        return await files.GetRequiredService<MusicLibrary>().ReloadAsync();
    }

    private void WritePlaylist(string name, params string[] files)
    {
        var dir = Path.Combine(Library, name);
        Directory.CreateDirectory(dir);
        foreach (var file in files)
        {
            File.WriteAllBytes(Path.Combine(dir, file + ".opus"), [1, 2, 3]);
        }
        File.WriteAllText(Path.Combine(dir, "metadata.json"), JsonSerializer.Serialize(files.Select(f => new
        {
            title = f, artist = "Test", duration = 30.0, filepath = f + ".opus",
            analysis = new { bpm = 120.0, energyDb = -18.0, brightnessHz = 1500.0 },
        })));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private sealed class InjectedTransientFault() : DbException("injected transient fault");

    /// <summary>Retries only the injected fault, at once, at most twice.</summary>
    private sealed class RetryOnInjectedFault(ExecutionStrategyDependencies dependencies)
        : ExecutionStrategy(dependencies, maxRetryCount: 2, maxRetryDelay: TimeSpan.FromMilliseconds(10))
    {
        protected override bool ShouldRetryOn(Exception exception) => exception is InjectedTransientFault;
    }

    /// <summary>Throws <see cref="InjectedTransientFault"/> from the first command whose text contains the armed fragment.</summary>
    private sealed class FailOnce : DbCommandInterceptor
    {
        private string? _fragment;

        public int Thrown { get; private set; }

        public void Arm(string fragment) => _fragment = fragment;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Trip(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Trip(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        private void Trip(DbCommand command)
        {
            if (_fragment is not null && command.CommandText.Contains(_fragment, StringComparison.Ordinal))
            {
                _fragment = null;
                Thrown++;
                throw new InjectedTransientFault();
            }
        }
    }
}
