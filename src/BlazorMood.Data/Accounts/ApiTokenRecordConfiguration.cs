using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorMood.Data.Accounts;

internal sealed class ApiTokenRecordConfiguration : IEntityTypeConfiguration<ApiTokenRecord>
{
    public void Configure(EntityTypeBuilder<ApiTokenRecord> builder)
    {
        builder.ToTable("ApiTokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.UserId).HasMaxLength(ApiTokenRecord.MaxUserIdLength).IsRequired();
        builder.Property(t => t.Name).HasMaxLength(ApiTokenRecord.MaxNameLength).IsRequired();
        builder.Property(t => t.Hash).HasMaxLength(ApiTokenRecord.HashLength).IsRequired();
        builder.Property(t => t.Prefix).HasMaxLength(ApiTokenRecord.PrefixLength).IsRequired();
        // Every authenticated API call looks its token up by hash.
        builder.HasIndex(t => t.Hash).IsUnique();
        builder.HasIndex(t => t.UserId);
        // Deleting a user revokes their tokens.
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
