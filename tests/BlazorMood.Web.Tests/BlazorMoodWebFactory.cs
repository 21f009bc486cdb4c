using BlazorMood.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BlazorMood.Web.Tests;

/// <summary>The real host with the real models, in memory. Shared by the tests of a class through IClassFixture.</summary>
public sealed class BlazorMoodWebFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(TestAssets.RepoRoot);
        builder.UseEnvironment("Testing");
    }
}
