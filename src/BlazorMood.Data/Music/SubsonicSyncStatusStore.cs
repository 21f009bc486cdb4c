using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorMood.Data.Music;

[JsonConverter(typeof(JsonStringEnumConverter<SubsonicSyncState>))]
public enum SubsonicSyncState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>Where the last sync of one server stands, with a sentence an admin can read.</summary>
public sealed record SubsonicSyncStatus(string ServerId, SubsonicSyncState State, int Found, int New, int Removed, int Tagged, int TagFailed,
    string Message, DateTimeOffset UpdatedAt);

/// <summary>The stored status of a server's last sync: one row per configured server, written by whichever node runs it.</summary>
public sealed class SubsonicSyncStatusRecord
{
    public const int MaxServerIdLength = 64;
    public const int MaxMessageLength = 1000;

    public string ServerId { get; set; } = "";

    public SubsonicSyncState State { get; set; }

    public int Found { get; set; }

    public int New { get; set; }

    public int Removed { get; set; }

    public int Tagged { get; set; }

    public int TagFailed { get; set; }

    public string Message { get; set; } = "";

    public DateTime UpdatedAtUtc { get; set; }
}

internal sealed class SubsonicSyncStatusRecordConfiguration : IEntityTypeConfiguration<SubsonicSyncStatusRecord>
{
    public void Configure(EntityTypeBuilder<SubsonicSyncStatusRecord> builder)
    {
        builder.ToTable("SubsonicSyncStatus");
        builder.HasKey(s => s.ServerId);
        builder.Property(s => s.ServerId).HasMaxLength(SubsonicSyncStatusRecord.MaxServerIdLength);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(16).IsRequired();
        builder.Property(s => s.Message).HasMaxLength(SubsonicSyncStatusRecord.MaxMessageLength).IsRequired();
    }
}

/// <summary>
/// The sync status of each server in the database, so that every node reads the same answer whichever node runs the
/// sync. The row also says that the server is still wanted: removing a server deletes it, and a sync whose write
/// finds no row stops (<see cref="UpdateAsync"/> returns false). Every write is one statement.
/// </summary>
public sealed class SubsonicSyncStatusStore(IDbContextFactory<BlazorMoodDbContext> contexts, TimeProvider time)
{
    /// <summary>The stored status of <paramref name="serverId"/>; null when it was never asked to sync.</summary>
    public async Task<SubsonicSyncStatus?> GetAsync(string serverId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<SubsonicSyncStatusRecord>().AsNoTracking().FirstOrDefaultAsync(s => s.ServerId == serverId, cancellationToken);
        return row is null ? null : ToStatus(row);
    }

    /// <summary>The stored status of every server that has one.</summary>
    public async Task<IReadOnlyDictionary<string, SubsonicSyncStatus>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<SubsonicSyncStatusRecord>().AsNoTracking().ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.ServerId, ToStatus, StringComparer.Ordinal);
    }

    /// <summary>
    /// Writes "queued" unless a sync already waits or runs; returns the status before (null: none). Two nodes asking
    /// at once may both write it; the job engine's key still leaves one job.
    /// </summary>
    public async Task<SubsonicSyncStatus?> QueueAsync(string serverId, string message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverId);
        var now = time.GetUtcNow().UtcDateTime;
        message = ColumnText.Fit(message, SubsonicSyncStatusRecord.MaxMessageLength);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var set = db.Set<SubsonicSyncStatusRecord>();
        var row = await set.AsNoTracking().FirstOrDefaultAsync(s => s.ServerId == serverId, cancellationToken);
        if (row is null)
        {
            set.Add(new SubsonicSyncStatusRecord { ServerId = serverId, State = SubsonicSyncState.Queued, Message = message, UpdatedAtUtc = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node inserted it a moment before: that request queued the sync.
            }
            return null;
        }
        if (row.State is not (SubsonicSyncState.Queued or SubsonicSyncState.Running))
        {
            await set.Where(s => s.ServerId == serverId).ExecuteUpdateAsync(u => u
                .SetProperty(s => s.State, SubsonicSyncState.Queued)
                .SetProperty(s => s.Found, 0).SetProperty(s => s.New, 0).SetProperty(s => s.Removed, 0)
                .SetProperty(s => s.Tagged, 0).SetProperty(s => s.TagFailed, 0)
                .SetProperty(s => s.Message, message)
                .SetProperty(s => s.UpdatedAtUtc, now), cancellationToken);
        }
        return ToStatus(row);
    }

    /// <summary>Overwrites the status of a server that still has a row; false when the row is gone (the server was removed).</summary>
    public async Task<bool> UpdateAsync(SubsonicSyncStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var message = ColumnText.Fit(status.Message, SubsonicSyncStatusRecord.MaxMessageLength);
        var at = status.UpdatedAt.UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SubsonicSyncStatusRecord>().Where(s => s.ServerId == status.ServerId).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.State, status.State)
            .SetProperty(s => s.Found, status.Found).SetProperty(s => s.New, status.New).SetProperty(s => s.Removed, status.Removed)
            .SetProperty(s => s.Tagged, status.Tagged).SetProperty(s => s.TagFailed, status.TagFailed)
            .SetProperty(s => s.Message, message)
            .SetProperty(s => s.UpdatedAtUtc, at), cancellationToken) == 1;
    }

    /// <summary>Whether the server still has a row, inside the caller's transaction (see <see cref="SubsonicLibrarySync"/>'s upsert).</summary>
    internal static async Task<bool> TouchAsync(BlazorMoodDbContext db, string serverId, DateTime now, CancellationToken cancellationToken) =>
        // An UPDATE rather than a SELECT: on PostgreSQL it holds the row's lock until the transaction ends, so a
        // removal (which deletes this row first) waits for the transaction, or the transaction sees it gone.
        await db.Set<SubsonicSyncStatusRecord>().Where(s => s.ServerId == serverId)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.UpdatedAtUtc, now), cancellationToken) == 1;

    /// <summary>Deletes the server's status; a sync of it that runs anywhere stops at its next write.</summary>
    public async Task DeleteAsync(string serverId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Set<SubsonicSyncStatusRecord>().Where(s => s.ServerId == serverId).ExecuteDeleteAsync(cancellationToken);
    }

    private static SubsonicSyncStatus ToStatus(SubsonicSyncStatusRecord row) =>
        new(row.ServerId, row.State, row.Found, row.New, row.Removed, row.Tagged, row.TagFailed, row.Message,
            new DateTimeOffset(DateTime.SpecifyKind(row.UpdatedAtUtc, DateTimeKind.Utc)));
}
