using Bunit;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Web.Live;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace BlazorMood.Web.Tests.Components;

/// <summary>
/// A bUnit context with MudBlazor's services. MudBlazor registers services that only dispose asynchronously,
/// and xunit 2 disposes test classes synchronously, so the context is owned here and disposed through IAsyncLifetime.
/// </summary>
public abstract class MudComponentTest : IAsyncLifetime
{
    protected MudComponentTest()
    {
        Context.Services.AddMudServices();
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        // What the Live Emotion tab needs; time is fake so render throttling is deterministic.
        Context.Services.AddSingleton<TimeProvider>(Time);
        Context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(LiveOptions));
        Context.Services.AddSingleton<LiveMoodNotifier>();
        Context.Services.AddLogging();
    }

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    protected LiveOptions LiveOptions { get; } = new();

    protected BunitContext Context { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
