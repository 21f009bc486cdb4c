using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Data.Tests;

/// <summary>The host environment the data services read their content root from, pointed at a test's folder.</summary>
internal sealed class TestEnvironment(string root, string applicationName = "BlazorMood.Data.Tests") : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Testing";

    public string ApplicationName { get; set; } = applicationName;

    public string ContentRootPath { get; set; } = root;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}

/// <summary>
/// A service provider whose hosted services run as a host runs them: started in registration order, stopped in
/// reverse, then disposed. Lets a test run the real background services (import, analysis) without a web host.
/// </summary>
internal class RunningHost(ServiceProvider services) : IAsyncDisposable
{
    private bool _disposed;

    public ServiceProvider Services { get; } = services;

    public async Task StartAsync()
    {
        foreach (var hosted in Services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public Task<BlazorMoodDbContext> DbAsync() => Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var hosted in Services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        await Services.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
