using BlazorMood.Data.Emotions;
using Microsoft.EntityFrameworkCore;

namespace BlazorMood.Data;

/// <summary>The application's database. One entity configuration per feature, applied from this assembly.</summary>
public sealed class BlazorMoodDbContext(DbContextOptions<BlazorMoodDbContext> options) : DbContext(options)
{
    public DbSet<EmotionEvent> EmotionEvents => Set<EmotionEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BlazorMoodDbContext).Assembly);
    }
}
