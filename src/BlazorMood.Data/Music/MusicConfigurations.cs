using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorMood.Data.Music;

internal sealed class PlaylistRecordConfiguration : IEntityTypeConfiguration<PlaylistRecord>
{
    public void Configure(EntityTypeBuilder<PlaylistRecord> builder)
    {
        builder.ToTable("Playlists");
        builder.HasKey(p => p.Name);
        builder.Property(p => p.Name).HasMaxLength(PlaylistRecord.MaxNameLength);
        builder.HasMany(p => p.Tracks).WithOne(t => t.Playlist).HasForeignKey(t => t.PlaylistName).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TrackRecordConfiguration : IEntityTypeConfiguration<TrackRecord>
{
    public void Configure(EntityTypeBuilder<TrackRecord> builder)
    {
        builder.ToTable("Tracks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).HasMaxLength(TrackRecord.MaxIdLength);
        builder.Property(t => t.PlaylistName).HasMaxLength(PlaylistRecord.MaxNameLength).IsRequired();
        builder.Property(t => t.Title).HasMaxLength(TrackRecord.MaxTextLength).IsRequired();
        builder.Property(t => t.Artist).HasMaxLength(TrackRecord.MaxTextLength).IsRequired();
        builder.Property(t => t.RelativePath).HasMaxLength(TrackRecord.MaxPathLength).IsRequired();
        builder.Property(t => t.AnalysisError).HasMaxLength(TrackRecord.MaxErrorLength);
        builder.Property(t => t.AnalysisWorkerId).HasMaxLength(TrackRecord.MaxWorkerIdLength);
        builder.Property(t => t.MeasuredKey).HasMaxLength(TrackRecord.MaxKeyLength);
        builder.Property(t => t.MeasuredMode).HasMaxLength(TrackRecord.MaxModeLength);
        builder.Ignore(t => t.NeedsAnalysis);
        // The analysis worker asks for "live tracks never measured"; the player asks per playlist.
        builder.HasIndex(t => new { t.Removed, t.AnalyzedAtUtc });
        builder.HasIndex(t => t.PlaylistName);
    }
}

internal sealed class LibraryProblemRecordConfiguration : IEntityTypeConfiguration<LibraryProblemRecord>
{
    public void Configure(EntityTypeBuilder<LibraryProblemRecord> builder)
    {
        builder.ToTable("LibraryProblems");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Playlist).HasMaxLength(PlaylistRecord.MaxNameLength);
        builder.Property(p => p.Kind).HasMaxLength(LibraryProblemRecord.MaxKindLength).IsRequired();
        builder.Property(p => p.Message).HasMaxLength(LibraryProblemRecord.MaxMessageLength).IsRequired();
    }
}

internal sealed class FeedbackRecordConfiguration : IEntityTypeConfiguration<FeedbackRecord>
{
    public void Configure(EntityTypeBuilder<FeedbackRecord> builder)
    {
        builder.ToTable("TrackFeedback");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.UserId).HasMaxLength(FeedbackRecord.MaxUserIdLength).IsRequired();
        builder.Property(f => f.ContextKey).HasMaxLength(FeedbackRecord.MaxContextKeyLength).IsRequired();
        builder.Property(f => f.TrackId).HasMaxLength(TrackRecord.MaxIdLength).IsRequired();
        builder.Property(f => f.Kind).HasMaxLength(FeedbackRecord.MaxKindLength).IsRequired();
        // Start-up aggregates per (user, context, track); "what did this track get" reads by track.
        builder.HasIndex(f => new { f.UserId, f.ContextKey, f.TrackId });
        builder.HasIndex(f => f.TrackId);
    }
}

internal sealed class PlayRecordConfiguration : IEntityTypeConfiguration<PlayRecord>
{
    public void Configure(EntityTypeBuilder<PlayRecord> builder)
    {
        builder.ToTable("TrackPlays");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.UserId).HasMaxLength(FeedbackRecord.MaxUserIdLength).IsRequired();
        builder.Property(p => p.TrackId).HasMaxLength(TrackRecord.MaxIdLength).IsRequired();
        builder.HasIndex(p => new { p.UserId, p.OccurredAtUtc });
    }
}
