using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Data.Jobs;

/// <summary>
/// The tables the job engine's store (Quartz.NET's ADO.NET job store) reads and writes, described once and written
/// out as DDL for SQLite or PostgreSQL. Created by us rather than by the library so that the schema is created by the
/// same start-up step as our own tables, with the same account, and so that it is reviewed like our migrations.
/// Every statement only creates what is missing; nothing is altered or dropped.
/// </summary>
/// <remarks>
/// The optional execution-history tables are left out: the engine keeps no history of its own (our job rows are
/// the record), and the store only asks for them when history is switched on.
/// </remarks>
public static class JobEngineSchema
{
    /// <summary>Prefix of every engine table, so they sort together and never collide with ours.</summary>
    public const string TablePrefix = "qrtz_";

    private enum Kind
    {
        Name,
        ShortText,
        Long,
        Int,
        Bool,
        Bytes,
        Number,
    }

    private sealed record Column(string Name, Kind Kind, bool Required = false, string? Default = null);

    private sealed record Table(string Name, Column[] Columns, string[] Key, (string[] Columns, string Parent, string[] ParentColumns)? Parent = null);

    private static readonly string[] TriggerKey = ["sched_name", "trigger_name", "trigger_group"];

    private static Column Req(string name, Kind kind) => new(name, kind, Required: true);

    private static Column Opt(string name, Kind kind) => new(name, kind);

    private static Table ChildOfTrigger(string name, params Column[] own) => new(
        name,
        [Req("sched_name", Kind.Name), Req("trigger_name", Kind.Name), Req("trigger_group", Kind.Name), .. own],
        TriggerKey,
        (TriggerKey, "triggers", TriggerKey));

    private static readonly Table[] Tables =
    [
        new("job_details",
        [
            Req("sched_name", Kind.Name), Req("job_name", Kind.Name), Req("job_group", Kind.Name), Opt("description", Kind.Name),
            Req("job_class_name", Kind.Name), Req("is_durable", Kind.Bool), Req("is_nonconcurrent", Kind.Bool),
            Req("is_update_data", Kind.Bool), Req("requests_recovery", Kind.Bool), Opt("job_data", Kind.Bytes),
        ], ["sched_name", "job_name", "job_group"]),
        new("triggers",
        [
            Req("sched_name", Kind.Name), Req("trigger_name", Kind.Name), Req("trigger_group", Kind.Name),
            Req("job_name", Kind.Name), Req("job_group", Kind.Name), Opt("description", Kind.Name),
            Opt("next_fire_time", Kind.Long), Opt("prev_fire_time", Kind.Long), Opt("priority", Kind.Int),
            Req("trigger_state", Kind.ShortText), Req("trigger_type", Kind.ShortText), Req("start_time", Kind.Long),
            Opt("end_time", Kind.Long), Opt("calendar_name", Kind.Name), Opt("misfire_instr", Kind.Int),
            Opt("misfire_orig_fire_time", Kind.Long), Opt("execution_group", Kind.Name), Opt("preferred_node", Kind.Name),
            new("preferred_node_auto", Kind.Bool, Required: true, Default: "false"), Opt("retry_policy", Kind.Name),
            Opt("retry_attempt", Kind.Int), Opt("continues_trigger_name", Kind.Name), Opt("continues_trigger_group", Kind.Name),
            Opt("continuation_condition", Kind.Int), Opt("overlap_policy", Kind.Int), Opt("pause_reason", Kind.Name),
            Opt("paused_by", Kind.Name), Opt("paused_at", Kind.Long), Opt("misfire_threshold", Kind.Long),
            Opt("fixed_delay", Kind.Bool), Opt("job_data", Kind.Bytes),
        ], TriggerKey, (["sched_name", "job_name", "job_group"], "job_details", ["sched_name", "job_name", "job_group"])),
        ChildOfTrigger("simple_triggers", Req("repeat_count", Kind.Long), Req("repeat_interval", Kind.Long), Req("times_triggered", Kind.Long)),
        ChildOfTrigger("cron_triggers", Req("cron_expression", Kind.Name), Opt("time_zone_id", Kind.Name)),
        ChildOfTrigger("simprop_triggers",
            Opt("str_prop_1", Kind.Name), Opt("str_prop_2", Kind.Name), Opt("str_prop_3", Kind.Name),
            Opt("int_prop_1", Kind.Int), Opt("int_prop_2", Kind.Int), Opt("long_prop_1", Kind.Long), Opt("long_prop_2", Kind.Long),
            Opt("dec_prop_1", Kind.Number), Opt("dec_prop_2", Kind.Number), Opt("bool_prop_1", Kind.Bool), Opt("bool_prop_2", Kind.Bool),
            Opt("time_zone_id", Kind.Name)),
        ChildOfTrigger("blob_triggers", Opt("blob_data", Kind.Bytes)),
        new("calendars", [Req("sched_name", Kind.Name), Req("calendar_name", Kind.Name), Req("calendar", Kind.Bytes)], ["sched_name", "calendar_name"]),
        new("paused_trigger_grps",
            [Req("sched_name", Kind.Name), Req("trigger_group", Kind.Name), Opt("pause_reason", Kind.Name), Opt("paused_by", Kind.Name), Opt("paused_at", Kind.Long)],
            ["sched_name", "trigger_group"]),
        new("paused_job_grps",
            [Req("sched_name", Kind.Name), Req("job_group", Kind.Name), Opt("pause_reason", Kind.Name), Opt("paused_by", Kind.Name), Opt("paused_at", Kind.Long)],
            ["sched_name", "job_group"]),
        new("fired_triggers",
        [
            Req("sched_name", Kind.Name), Req("entry_id", Kind.Name), Req("trigger_name", Kind.Name), Req("trigger_group", Kind.Name),
            Req("instance_name", Kind.Name), Req("fired_time", Kind.Long), Req("sched_time", Kind.Long), Req("priority", Kind.Int),
            Req("state", Kind.ShortText), Opt("job_name", Kind.Name), Opt("job_group", Kind.Name), Opt("is_nonconcurrent", Kind.Bool),
            Opt("requests_recovery", Kind.Bool), Opt("execution_group", Kind.Name), Opt("progress", Kind.Int),
            Opt("progress_message", Kind.Name), Opt("interrupt_requested_time", Kind.Long),
        ], ["sched_name", "entry_id"]),
        new("scheduler_state",
        [
            Req("sched_name", Kind.Name), Req("instance_name", Kind.Name), Req("last_checkin_time", Kind.Long),
            Req("checkin_interval", Kind.Long), Opt("quartz_version", Kind.ShortText),
        ], ["sched_name", "instance_name"]),
        new("locks", [Req("sched_name", Kind.Name), Req("lock_name", Kind.Name)], ["sched_name", "lock_name"]),
    ];

    // The look-ups the store makes on every acquisition, recovery and job-key query.
    private static readonly (string Name, string Table, string Columns)[] Indexes =
    [
        ("t_j", "triggers", "sched_name, job_name, job_group"),
        ("t_state_next", "triggers", "sched_name, trigger_state, next_fire_time, priority, misfire_instr"),
        ("ft_instance_recovery", "fired_triggers", "sched_name, instance_name, requests_recovery"),
        ("ft_job", "fired_triggers", "sched_name, job_name, job_group"),
        ("ft_trigger", "fired_triggers", "sched_name, trigger_name, trigger_group"),
    ];

    /// <summary>The DDL statements for <paramref name="provider"/>, in dependency order; each is safe to run again.</summary>
    public static IReadOnlyList<string> Statements(DatabaseProvider provider)
    {
        var statements = new List<string>();
        foreach (var table in Tables)
        {
            var sql = new StringBuilder();
            sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE IF NOT EXISTS {TablePrefix}{table.Name} (");
            sql.AppendJoin(", ", table.Columns.Select(c => ColumnSql(c, provider)));
            sql.Append(CultureInfo.InvariantCulture, $", PRIMARY KEY ({string.Join(", ", table.Key)})");
            if (table.Parent is { } parent)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $", FOREIGN KEY ({string.Join(", ", parent.Columns)}) REFERENCES {TablePrefix}{parent.Parent} ({string.Join(", ", parent.ParentColumns)})");
                if (parent.Parent == "triggers")
                {
                    sql.Append(" ON DELETE CASCADE");
                }
            }
            sql.Append(')');
            statements.Add(sql.ToString());
        }
        foreach (var (name, table, columns) in Indexes)
        {
            statements.Add($"CREATE INDEX IF NOT EXISTS ix_{TablePrefix}{name} ON {TablePrefix}{table} ({columns})");
        }
        return statements;
    }

    private static string ColumnSql(Column column, DatabaseProvider provider)
    {
        var type = (column.Kind, provider) switch
        {
            (Kind.Name or Kind.ShortText, DatabaseProvider.Postgres) => "text",
            (Kind.Long, DatabaseProvider.Postgres) => "bigint",
            (Kind.Int, DatabaseProvider.Postgres) => "integer",
            (Kind.Bool, DatabaseProvider.Postgres) => "boolean",
            (Kind.Bytes, DatabaseProvider.Postgres) => "bytea",
            (Kind.Number, DatabaseProvider.Postgres) => "numeric",
            (Kind.Name or Kind.ShortText, _) => "TEXT",
            (Kind.Long or Kind.Int or Kind.Bool, _) => "INTEGER",
            (Kind.Bytes, _) => "BLOB",
            (Kind.Number, _) => "NUMERIC",
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };
        var defaultValue = column.Default is null ? ""
            : provider == DatabaseProvider.Postgres ? $" DEFAULT {column.Default}"
            : $" DEFAULT {(column.Default == "false" ? "0" : column.Default)}";
        return $"{column.Name} {type}{(column.Required ? " NOT NULL" : " NULL")}{defaultValue}";
    }
}

/// <summary>
/// Creates the job engine's tables when the host starts: after the database initializer (registered earlier by
/// <c>AddData</c>) and before the scheduler (registered after it). On PostgreSQL nodes starting together take turns
/// on an advisory lock, like the migrations.
/// </summary>
internal sealed partial class JobEngineSchemaInitializer(
    IDbContextFactory<BlazorMoodDbContext> contexts,
    IOptions<DataOptions> options,
    ILogger<JobEngineSchemaInitializer> logger) : IHostedService
{
    // A fixed advisory lock key ("BmJobs" in ASCII) that nothing else in the database uses.
    private const long SchemaLockKey = 73037217361779;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var provider = options.Value.Provider;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (provider == DatabaseProvider.Postgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({SchemaLockKey})", cancellationToken);
            }
            try
            {
                foreach (var statement in JobEngineSchema.Statements(provider))
                {
                    await db.Database.ExecuteSqlRawAsync(statement, cancellationToken);
                }
            }
            finally
            {
                if (provider == DatabaseProvider.Postgres)
                {
                    await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({SchemaLockKey})", CancellationToken.None);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        LogReady(logger, provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Job engine tables ready on {Provider}")]
    private static partial void LogReady(ILogger logger, DatabaseProvider provider);
}
