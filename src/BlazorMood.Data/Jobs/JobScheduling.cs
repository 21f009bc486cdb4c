using Microsoft.Extensions.Logging;
using Quartz;

namespace BlazorMood.Data.Jobs;

/// <summary>
/// Puts one job of a kind into the engine, to run as soon as a node with a free slot of its kind takes it. The job's
/// key is derived from our own record's id, so scheduling the same record twice (two nodes reconciling at once, a
/// retry after a lost answer) leaves one job. Jobs ask for recovery: if the node running one dies, another node runs
/// it again once the dead node's check-in has expired, with <see cref="IJobExecutionContext.Recovering"/> set.
/// </summary>
public sealed partial class JobScheduling(ISchedulerFactory schedulers, ILogger<JobScheduling> logger)
{
    public static JobKey KeyFor(string group, string id) => new(id, group);

    /// <summary>Schedules <typeparamref name="TJob"/> for <paramref name="id"/> now; false when that job is already there.</summary>
    public async Task<bool> RunNowAsync<TJob>(string group, string id, CancellationToken ct)
        where TJob : IJob
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = KeyFor(group, id);
        var job = JobBuilder.Create<TJob>()
            .WithIdentity(key)
            .RequestRecovery()
            .Build();
        // A trigger of its own per scheduling, so that a job put back by a stopping node gets a fresh trigger
        // while the one it ran under is still completing.
        var trigger = TriggerBuilder.Create()
            .WithIdentity(Guid.NewGuid().ToString("N"), group)
            .ForJob(key)
            .WithExecutionGroup(group)
            .StartNow()
            .Build();
        try
        {
            if (await scheduler.GetJobDetail(key, ct) is not null)
            {
                await scheduler.ScheduleJob(trigger, cancellationToken: ct);
                return false;
            }
            await scheduler.ScheduleJob(job, trigger, cancellationToken: ct);
            return true;
        }
        catch (ObjectAlreadyExistsException)
        {
            return false;
        }
        catch (JobPersistenceException e) when (e.InnerException is not null)
        {
            LogScheduleFailed(logger, e, group, id);
            throw;
        }
    }

    /// <summary>Whether a job for <paramref name="id"/> is in the engine (waiting or running).</summary>
    public async Task<bool> ExistsAsync(string group, string id, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return await scheduler.GetJobDetail(KeyFor(group, id), ct) is not null;
    }

    /// <summary>Asks whichever node runs the job to stop it (its cancellation token fires); false when none runs it.</summary>
    public async Task<bool> InterruptAsync(string group, string id, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return await scheduler.Interrupt(KeyFor(group, id), ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduling {Group} job {Id} failed")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, string group, string id);
}
