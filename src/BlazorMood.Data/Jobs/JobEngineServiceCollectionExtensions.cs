using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace BlazorMood.Data.Jobs;

public static class JobEngineServiceCollectionExtensions
{
    /// <summary>The engine's scheduler name: every node of one deployment shares it, so they form one cluster.</summary>
    public const string SchedulerName = "blazormood";

    // Quartz's thread pool only bounds the sum; each job kind's own limit is what decides (see JobKind).
    private const int ThreadPoolSize = 32;

    /// <summary>
    /// The job engine on every node: Quartz.NET with its ADO.NET job store on the app's own database (SQLite or
    /// PostgreSQL as <c>Data:Provider</c> says; clustered on PostgreSQL, the database several nodes share), its tables
    /// created at start-up by
    /// <see cref="JobEngineSchemaInitializer"/>. A node that only calls this schedules jobs (its scheduler stays in
    /// stand-by); <see cref="AddJobEngineWorker"/> also runs them. Options: section <c>JobEngine</c>.
    /// </summary>
    public static IServiceCollection AddJobEngine(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(JobEngineMarker)))
        {
            return services;
        }
        services.AddSingleton<JobEngineMarker>();
        services.AddData(configuration);
        services.AddOptions<JobEngineOptions>()
            .Bind(configuration.GetSection(JobEngineOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.CheckinInterval >= TimeSpan.FromMilliseconds(500) && o.CheckinInterval <= TimeSpan.FromMinutes(5),
                "JobEngine:CheckinInterval must be between 0.5 s and 5 min.")
            .Validate(o => o.CheckinMisfireThreshold >= TimeSpan.FromMilliseconds(500) && o.CheckinMisfireThreshold <= TimeSpan.FromMinutes(5),
                "JobEngine:CheckinMisfireThreshold must be between 0.5 s and 5 min.")
            .Validate(o => o.IdleWaitTime >= TimeSpan.FromSeconds(1) && o.IdleWaitTime <= TimeSpan.FromMinutes(5),
                "JobEngine:IdleWaitTime must be between 1 s (Quartz's minimum) and 5 min.")
            .ValidateOnStart();
        // Registered after AddData's database initializer and before the scheduler's hosted service.
        services.AddHostedService<JobEngineSchemaInitializer>();
        services.TryAddSingleton<JobScheduling>();

        // The provider decides the store's SQL dialect, so it is read now; where the database is (a path under the
        // content root, a connection string filled in from ConnectionStrings) is resolved when the store first connects.
        var provider = configuration.GetSection(DataOptions.SectionName).GetValue(nameof(DataOptions.Provider), DatabaseProvider.Sqlite);
        var engine = configuration.GetSection(JobEngineOptions.SectionName).Get<JobEngineOptions>() ?? new JobEngineOptions();
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = SchedulerName;
                s.InstanceId = NodeNameFor(configuration, engine);
                s.IdleWaitTime = engine.IdleWaitTime;
            });
            // The scheduler reads the container's TimeProvider (the system clock in the app): its check-ins and fire
            // times are compared between processes, so a test that freezes time must give its fake clock only to
            // what it tests, never to the container as a whole.
            q.UseDefaultThreadPool(ThreadPoolSize);
            q.UseExecutionLimits((sp, limits) =>
            {
                foreach (var kind in sp.GetServices<JobKind>())
                {
                    limits.ForGroup(kind.Group, kind.MaxConcurrentPerNode);
                }
            });
            q.UsePersistentStore(store =>
            {
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = JobEngineSchema.TablePrefix;
                    // Our initializer created the tables; the store only checks them.
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                });
                if (provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(d => d.DataSourceFactory = CreateDataSource);
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = engine.CheckinInterval;
                        c.CheckinMisfireThreshold = engine.CheckinMisfireThreshold;
                    });
                }
                else
                {
                    // Quartz refuses a clustered store on SQLite (measured: "SQLite cannot be used as clustered mode
                    // due to locking problems"), and a SQLite database has one process anyway: the store is local,
                    // and that process, when it starts again, runs again what it was running when it died.
                    store.UseSqlite(d => d.DataSourceFactory = CreateDataSource);
                }
            });
        });
        return services;
    }

    /// <summary>
    /// The engine on a node that runs jobs: <see cref="AddJobEngine"/> plus the hosted service that starts the
    /// scheduler once the application has started and, on a graceful stop, waits for the running jobs to settle
    /// (each job sees the host stopping and puts its work back itself).
    /// </summary>
    public static IServiceCollection AddJobEngineWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddJobEngine(configuration);
        if (!services.Any(d => d.ServiceType == typeof(JobEngineWorkerMarker)))
        {
            services.AddSingleton<JobEngineWorkerMarker>();
            services.AddQuartzHostedService(o =>
            {
                o.WaitForJobsToComplete = true;
                o.AwaitApplicationStarted = true;
            });
        }
        return services;
    }

    /// <summary>Adds a kind of job (its Quartz job type and its per-node limit) to the engine.</summary>
    public static IServiceCollection AddJobKind<TJob>(this IServiceCollection services, JobKind kind)
        where TJob : class, IJob
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (!services.Any(d => d.ServiceType == typeof(JobKind) && d.ImplementationInstance is JobKind k && k.Group == kind.Group))
        {
            services.AddSingleton(kind);
            services.AddTransient<TJob>();
        }
        return services;
    }

    private static string NodeNameFor(IConfiguration configuration, JobEngineOptions engine)
    {
        if (string.IsNullOrWhiteSpace(engine.NodeName) && configuration["VideoJobs:NodeName"] is { Length: > 0 } videoNode)
        {
            // One name per node: the video feature's node name, when set, names the node in the engine too.
            engine.NodeName = videoNode;
        }
        return engine.ResolvedNodeName;
    }

    private static DbDataSource CreateDataSource(IServiceProvider services)
    {
        var data = services.GetRequiredService<IOptions<DataOptions>>().Value;
        if (data.Provider == DatabaseProvider.Postgres)
        {
            return NpgsqlDataSource.Create(data.PostgresConnectionString!);
        }
        var root = services.GetService<IHostEnvironment>()?.ContentRootPath ?? Environment.CurrentDirectory;
        return SqliteFactory.Instance.CreateDataSource(DataServiceCollectionExtensions.ConnectionString(data, root));
    }

    private sealed class JobEngineMarker;

    private sealed class JobEngineWorkerMarker;
}
