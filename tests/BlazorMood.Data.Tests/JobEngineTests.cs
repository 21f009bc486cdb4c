using System.Collections.Concurrent;
using BlazorMood.Data.Jobs;
using BlazorMood.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace BlazorMood.Data.Tests;

/// <summary>
/// The job engine on the app's database: our DDL creates tables the Quartz store accepts on SQLite and PostgreSQL, a
/// job scheduled for one record is one job, it runs, and an interrupt reaches its cancellation token.
/// </summary>
[Trait("Category", "Integration")]
public sealed class JobEngineTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("blazormood-job-engine-").FullName;
    private readonly List<RunningHost> _hosts = [];
    private PostgresTestDatabase? _postgres;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            await scheduler.Shutdown(waitForJobsToComplete: false);
            await host.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_job_scheduled_twice_for_one_record_is_one_job_it_runs_and_an_interrupt_cancels_it(DatabaseProvider provider)
    {
        var (host, log) = await StartAsync(provider);
        var scheduling = host.Services.GetRequiredService<JobScheduling>();

        Assert.True(await scheduling.RunNowAsync<ProbeJob>(ProbeJob.Group, "record-1", CancellationToken.None));
        Assert.False(await scheduling.RunNowAsync<ProbeJob>(ProbeJob.Group, "record-1", CancellationToken.None));
        await using (var db = await host.DbAsync())
        {
            var jobs = await db.Database.SqlQueryRaw<int>($"SELECT COUNT(*) AS \"Value\" FROM {JobEngineSchema.TablePrefix}job_details").ToListAsync();
            Assert.Equal(1, jobs.Single());
        }

        var started = await log.Started.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(("record-1", false), started);
        Assert.True(await scheduling.InterruptAsync(ProbeJob.Group, "record-1", CancellationToken.None));
        var interrupted = await log.Interrupted.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal("record-1", interrupted);
    }

    private async Task<(RunningHost Host, ProbeLog Log)> StartAsync(DatabaseProvider provider)
    {
        var settings = new Dictionary<string, string?>
        {
            ["JobEngine:NodeName"] = "engine-test-" + Guid.NewGuid().ToString("N")[..8],
            ["JobEngine:CheckinInterval"] = "00:00:01",
        };
        if (provider == DatabaseProvider.Postgres)
        {
            _postgres ??= await TestServices.CreatePostgresDatabaseAsync();
            settings["Data:Provider"] = "Postgres";
            settings["ConnectionStrings:Postgres"] = _postgres.ConnectionString;
        }
        else
        {
            settings["Data:DatabasePath"] = Path.Combine(_root, "jobs.db");
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var log = new ProbeLog();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new TestEnvironment(_root));
        services.AddSingleton(log);
        services.AddJobEngine(configuration);
        services.AddJobKind<ProbeJob>(new JobKind(ProbeJob.Group, 2));
        var host = new RunningHost(services.BuildServiceProvider(validateScopes: true));
        _hosts.Add(host);
        await host.StartAsync(); // the database and the engine's tables
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Start();
        return (host, log);
    }

    internal sealed class ProbeLog
    {
        public System.Threading.Channels.Channel<(string Id, bool Recovering)> Started { get; } = System.Threading.Channels.Channel.CreateUnbounded<(string, bool)>();

        public System.Threading.Channels.Channel<string> Interrupted { get; } = System.Threading.Channels.Channel.CreateUnbounded<string>();
    }

    /// <summary>Says that it started, then waits until it is interrupted.</summary>
    internal sealed class ProbeJob(ProbeLog log) : IJob
    {
        public const string Group = "probe";

        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            var id = context.JobDetail.Key.Name;
            await log.Started.Writer.WriteAsync((id, context.Recovering), CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await log.Interrupted.Writer.WriteAsync(id, CancellationToken.None);
            }
        }
    }
}
