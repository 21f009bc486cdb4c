using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorMood.Data.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add &lt;Name&gt; -p src/BlazorMood.Data.Postgres -s src/BlazorMood.Data.Postgres</c> build
/// the context on Npgsql without a host. Adding a migration needs no server; <c>dotnet ef database update</c> uses
/// <c>BLAZORMOOD_POSTGRES</c> when set.
/// </summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<BlazorMoodDbContext>
{
    public BlazorMoodDbContext CreateDbContext(string[] args)
    {
        var connection = Environment.GetEnvironmentVariable("BLAZORMOOD_POSTGRES") ?? "Host=localhost;Database=blazormood";
        var options = new DbContextOptionsBuilder<BlazorMoodDbContext>();
        DataServiceCollectionExtensions.Configure(options, new DataOptions { Provider = DatabaseProvider.Postgres, PostgresConnectionString = connection }, Environment.CurrentDirectory);
        return new BlazorMoodDbContext(options.Options);
    }
}
