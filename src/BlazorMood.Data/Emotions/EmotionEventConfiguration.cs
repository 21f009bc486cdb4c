using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorMood.Data.Emotions;

internal sealed class EmotionEventConfiguration : IEntityTypeConfiguration<EmotionEvent>
{
    public void Configure(EntityTypeBuilder<EmotionEvent> builder)
    {
        builder.ToTable("EmotionEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.SessionId).HasMaxLength(EmotionEvent.MaxSessionIdLength).IsRequired();
        builder.Property(e => e.UserId).HasMaxLength(EmotionEvent.MaxSessionIdLength);
        builder.Property(e => e.Label).HasMaxLength(EmotionEvent.MaxLabelLength).IsRequired();
        builder.Property(e => e.Source).HasMaxLength(EmotionEvent.MaxSourceLength).IsRequired();
        // "Recent events of this session" and, later, "of this user" are the queries.
        builder.HasIndex(e => new { e.SessionId, e.OccurredAtUtc });
        builder.HasIndex(e => new { e.UserId, e.OccurredAtUtc });
    }
}
