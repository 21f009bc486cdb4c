using BlazorMood.Data.Accounts;
using BlazorMood.Data.Emotions;
using BlazorMood.Data.Music;
using BlazorMood.Data.Videos;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BlazorMood.Data;

/// <summary>
/// The application's database: ASP.NET Core Identity's users and roles, and one entity configuration per feature,
/// applied from this assembly. One context, one SQLite file.
/// </summary>
public sealed class BlazorMoodDbContext(DbContextOptions<BlazorMoodDbContext> options)
    : IdentityDbContext<IdentityUser, IdentityRole, string>(options)
{
    public DbSet<EmotionEvent> EmotionEvents => Set<EmotionEvent>();

    public DbSet<PlaylistRecord> Playlists => Set<PlaylistRecord>();

    public DbSet<TrackRecord> Tracks => Set<TrackRecord>();

    public DbSet<LibraryProblemRecord> LibraryProblems => Set<LibraryProblemRecord>();

    public DbSet<FeedbackRecord> TrackFeedback => Set<FeedbackRecord>();

    public DbSet<PlayRecord> TrackPlays => Set<PlayRecord>();

    public DbSet<VideoJobRecord> VideoJobs => Set<VideoJobRecord>();

    public DbSet<ApiTokenRecord> ApiTokens => Set<ApiTokenRecord>();

    /// <summary>
    /// Identity's table layout, fixed here rather than taken from the host's IdentityOptions: the migrations are
    /// generated without a host, and the model they describe must be the one the running app builds.
    /// </summary>
    protected override Version SchemaVersion => IdentitySchemaVersions.Version3;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Identity's tables (AspNetUsers, AspNetRoles …) first, then the features'.
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(BlazorMoodDbContext).Assembly);
    }
}
