using BlazorMood.Data.Accounts;
using BlazorMood.Data.Emotions;
using BlazorMood.Data.Music;
using BlazorMood.Data.Videos;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BlazorMood.Data;

/// <summary>
/// The application's database: ASP.NET Core Identity's users and roles, and one entity configuration per feature,
/// applied from this assembly. One context, on SQLite (one file, the default) or PostgreSQL (several nodes).
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

    public DbSet<SubsonicSyncStatusRecord> SubsonicSyncStatus => Set<SubsonicSyncStatusRecord>();

    /// <summary>
    /// Identity's table layout, fixed here rather than taken from the host's IdentityOptions: the migrations are
    /// generated without a host, and the model they describe must be the one the running app builds.
    /// </summary>
    protected override Version SchemaVersion => IdentitySchemaVersions.Version3;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        if (Database.ProviderName == PostgresProviderName)
        {
            // Every DateTime here is UTC (the *Utc columns), stored as timestamptz. Npgsql refuses to write a value
            // whose Kind is not Utc (a value read back from SQLite, or built with new DateTime), and reads values back
            // as Utc; this makes both directions Utc so the app code is the same on both engines.
            configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
            configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        }
    }

    /// <summary>The provider name of Npgsql's EF Core provider (<c>Database.ProviderName</c> on PostgreSQL).</summary>
    public const string PostgresProviderName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Identity's tables (AspNetUsers, AspNetRoles …) first, then the features'.
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(BlazorMoodDbContext).Assembly);
    }
}

/// <summary>Marks DateTime values as UTC on the way in and out (PostgreSQL's timestamptz only takes UTC values).</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
