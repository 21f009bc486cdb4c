using BlazorMood.Data.Emotions;
using BlazorMood.Data.Music;
using BlazorMood.Data.Videos;
using Microsoft.EntityFrameworkCore;

namespace BlazorMood.Data;

/// <summary>The application's database. One entity configuration per feature, applied from this assembly.</summary>
public sealed class BlazorMoodDbContext(DbContextOptions<BlazorMoodDbContext> options) : DbContext(options)
{
    public DbSet<EmotionEvent> EmotionEvents => Set<EmotionEvent>();

    public DbSet<PlaylistRecord> Playlists => Set<PlaylistRecord>();

    public DbSet<TrackRecord> Tracks => Set<TrackRecord>();

    public DbSet<LibraryProblemRecord> LibraryProblems => Set<LibraryProblemRecord>();

    public DbSet<FeedbackRecord> TrackFeedback => Set<FeedbackRecord>();

    public DbSet<PlayRecord> TrackPlays => Set<PlayRecord>();

    public DbSet<VideoJobRecord> VideoJobs => Set<VideoJobRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BlazorMoodDbContext).Assembly);
    }
}
