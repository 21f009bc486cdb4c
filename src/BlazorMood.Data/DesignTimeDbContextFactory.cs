using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorMood.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the web host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<BlazorMoodDbContext>
{
    public BlazorMoodDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BlazorMoodDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .Options;
        return new BlazorMoodDbContext(options);
    }
}
