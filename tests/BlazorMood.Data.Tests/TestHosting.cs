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
/// The host's lifetime for a test's service provider (the job engine's hosted service waits for "started", a job sees
/// "stopping"); <see cref="RunningHost"/> raises its events as a host does.
/// </summary>
internal sealed class TestLifetime : IHostApplicationLifetime, IDisposable
{
    private readonly CancellationTokenSource _started = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _stopped = new();

    public CancellationToken ApplicationStarted => _started.Token;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => _stopped.Token;

    public void StopApplication() => _stopping.Cancel();

    internal void NotifyStarted() => _started.Cancel();

    internal void NotifyStopped() => _stopped.Cancel();

    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
        _stopped.Dispose();
    }
}

/// <summary>
/// A service provider whose hosted services run as a host runs them: started in registration order, stopped in
/// reverse, then disposed, with a registered <see cref="TestLifetime"/> told "started" after the start and "stopping"
/// before the stop. Lets a test run the real background services (import, analysis jobs) without a web host.
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
        (Services.GetService<IHostApplicationLifetime>() as TestLifetime)?.NotifyStarted();
    }

    public Task<BlazorMoodDbContext> DbAsync() => Services.GetRequiredService<IDbContextFactory<BlazorMoodDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        var lifetime = Services.GetService<IHostApplicationLifetime>() as TestLifetime;
        lifetime?.StopApplication();
        foreach (var hosted in Services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
        lifetime?.NotifyStopped();
        await Services.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
