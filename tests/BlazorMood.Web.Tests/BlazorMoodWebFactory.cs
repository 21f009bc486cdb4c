using BlazorMood.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BlazorMood.Web.Tests;

/// <summary>The real host with the real models, in memory. Shared by the tests of a class through IClassFixture.</summary>
public sealed class BlazorMoodWebFactory : WebApplicationFactory<Program>
{
    // Each factory gets its own database so test classes never share (or leave behind) rows.
    private readonly string _database = Path.Combine(Path.GetTempPath(), "blazormood-tests", Guid.NewGuid().ToString("n"), "web-tests.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Data:DatabasePath", _database);
    }
}
