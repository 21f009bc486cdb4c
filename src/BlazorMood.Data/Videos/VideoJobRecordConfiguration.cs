using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorMood.Data.Videos;

internal sealed class VideoJobRecordConfiguration : IEntityTypeConfiguration<VideoJobRecord>
{
    public void Configure(EntityTypeBuilder<VideoJobRecord> builder)
    {
        builder.ToTable("VideoJobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.OwnerId).HasMaxLength(VideoJobRecord.MaxOwnerIdLength).IsRequired();
        builder.Property(j => j.UserId).HasMaxLength(VideoJobRecord.MaxOwnerIdLength);
        builder.Property(j => j.FileName).HasMaxLength(VideoJobRecord.MaxFileNameLength).IsRequired();
        builder.Property(j => j.StorageName).HasMaxLength(VideoJobRecord.MaxStorageNameLength).IsRequired();
        // Stored by name: the rows stay readable in the sqlite shell and a reordered enum cannot change meanings.
        builder.Property(j => j.State).HasConversion<string>().HasMaxLength(16).IsRequired();
        builder.Property(j => j.Error).HasMaxLength(VideoJobRecord.MaxErrorLength);
        builder.Property(j => j.ErrorCode).HasMaxLength(VideoJobRecord.MaxErrorCodeLength);
        builder.Property(j => j.Stage).HasMaxLength(VideoJobRecord.MaxStageLength);
        builder.Property(j => j.WorkerId).HasMaxLength(VideoJobRecord.MaxWorkerIdLength);
        builder.HasIndex(j => j.StorageName).IsUnique();
        // "My jobs, newest first"; the worker's "oldest queued"; the retention sweep's "finished before".
        builder.HasIndex(j => new { j.OwnerId, j.CreatedUtc });
        builder.HasIndex(j => new { j.State, j.CreatedUtc });
        builder.HasIndex(j => j.FinishedUtc);
    }
}
