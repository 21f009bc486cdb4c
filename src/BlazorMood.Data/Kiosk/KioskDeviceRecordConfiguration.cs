using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorMood.Data.Kiosk;

internal sealed class KioskDeviceRecordConfiguration : IEntityTypeConfiguration<KioskDeviceRecord>
{
    public void Configure(EntityTypeBuilder<KioskDeviceRecord> builder)
    {
        builder.ToTable("KioskDevices");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).HasMaxLength(KioskDeviceRecord.IdLength);
        builder.Property(d => d.UserId).HasMaxLength(KioskDeviceRecord.MaxUserIdLength).IsRequired();
        builder.Property(d => d.Name).HasMaxLength(KioskDeviceRecord.MaxNameLength).IsRequired();
        builder.Property(d => d.TokenHash).HasMaxLength(KioskDeviceRecord.HashLength).IsRequired();
        builder.Property(d => d.CreatedByUserId).HasMaxLength(KioskDeviceRecord.MaxUserIdLength);
        // Enrolment looks a link up by its hash; every request of a kiosk looks its device up by user.
        builder.HasIndex(d => d.TokenHash).IsUnique();
        builder.HasIndex(d => d.UserId).IsUnique();
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<IdentityUser>().WithMany().HasForeignKey(d => d.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
