using BlazorMood.Data.Jobs;
using BlazorMood.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace BlazorMood.Data.Music;

/// <summary>
/// The job engine's job for one sync of one Subsonic server (<see cref="SubsonicLibrarySync.SyncAsync"/>), keyed by
/// the server id in group <see cref="Group"/> (<see cref="JobScheduling.KeyFor"/>): asking again while one waits
/// leaves one job, and <see cref="DisallowConcurrentExecutionAttribute"/> keeps two runs of one server apart on every
/// node of the cluster. It asks for recovery (<see cref="JobScheduling.RunNowAsync{TJob}"/>): when its node dies,
/// another node runs it again from the start, which stores nothing twice.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class SubsonicSyncJob(
    SubsonicLibrarySync sync,
    SubsonicSyncStatusStore status,
    JobScheduling scheduling,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SubsonicSyncJob> logger) : IJob
{
    /// <summary>The job group and execution group of Subsonic syncs.</summary>
    public const string Group = "subsonic-sync";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var serverId = context.JobDetail.Key.Name;
        // The engine's token fires on an interrupt (a removal on this node); a graceful stop waits for running jobs
        // without interrupting them, so the host's stopping token is watched too.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await sync.SyncAsync(serverId, stop.Token);
        }
        catch (SubsonicServerRemovedException)
        {
            LogRemoved(logger, serverId);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // This node stops: the sync is put back for the next node that runs jobs (or this one when it returns).
            await RequeueAsync(serverId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted because the server was removed here (ForgetAsync); what it stored is marked removed there.
            LogRemoved(logger, serverId);
        }
        catch (Exception ex)
        {
            // Not rethrown: the engine would count it against the job; the admin sees the status and syncs again.
            LogSyncFailed(logger, ex, serverId);
            try
            {
                await status.UpdateAsync(new SubsonicSyncStatus(serverId, SubsonicSyncState.Failed, 0, 0, 0, 0, 0,
                    $"The sync stopped on an error ({ex.Message}). Nothing stored was lost.", time.GetUtcNow()), CancellationToken.None);
            }
            catch (Exception statusError) when (statusError is not OperationCanceledException)
            {
                LogStatusFailed(logger, statusError, serverId);
            }
        }
    }

    private async Task RequeueAsync(string serverId)
    {
        try
        {
            if (await status.UpdateAsync(new SubsonicSyncStatus(serverId, SubsonicSyncState.Queued, 0, 0, 0, 0, 0,
                "The node running the sync stopped; it starts again on the next node that runs jobs.", time.GetUtcNow()), CancellationToken.None))
            {
                // Adds a trigger to this job; it fires once this run has ended (no concurrent runs), on a node whose
                // scheduler runs.
                await scheduling.RunNowAsync<SubsonicSyncJob>(Group, serverId, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRequeueFailed(logger, ex, serverId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync of Subsonic server {ServerId} stopped: the server was removed")]
    private static partial void LogRemoved(ILogger logger, string serverId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync of Subsonic server {ServerId} failed")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string serverId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing the failed status of the sync of Subsonic server {ServerId} failed")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception, string serverId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Putting back the sync of Subsonic server {ServerId} as this node stops failed; an admin syncs it again")]
    private static partial void LogRequeueFailed(ILogger logger, Exception exception, string serverId);
}

/// <summary>
/// Keeps this node's <see cref="SubsonicTrackCatalog"/> in step with the database: loads it when the host starts, and
/// loads it again when another node says a server's songs changed (<see cref="SubsonicLibraryChanged"/>, on the bus's
/// transport when one is configured), taking over its reachability too.
/// </summary>
internal sealed partial class SubsonicCatalogService(
    SubsonicLibrarySync sync,
    SubsonicTrackCatalog catalog,
    IEventBus bus,
    IHostApplicationLifetime lifetime,
    ILogger<SubsonicCatalogService> logger) : IHostedService, IDisposable
{
    private static readonly EventSubscriptionOptions FromOtherNodes = new() { Origin = EventOrigin.Remote, Capacity = 256, Name = "subsonic from other nodes" };
    private IEventSubscription? _changes;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await sync.LoadCatalogAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The app still plays its files; the next sync (here or elsewhere) fills the catalogue.
            LogLoadFailed(logger, ex);
        }
        // Queued delivery, one at a time: a burst of changes reloads in order without blocking the bus.
        _changes = bus.Subscribe<SubsonicLibraryChanged>(async (change, _) =>
        {
            try
            {
                if (change.Removed)
                {
                    catalog.Remove(change.ServerId);
                    return;
                }
                await sync.LoadCatalogAsync(lifetime.ApplicationStopping);
                if (change.Unreachable)
                {
                    catalog.MarkUnreachable(change.ServerId);
                }
                else
                {
                    catalog.MarkReachable(change.ServerId);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoadFailed(logger, ex);
            }
        }, options: FromOtherNodes);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _changes?.Dispose();
        _changes = null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the synced Subsonic songs failed; they return with the next sync")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
