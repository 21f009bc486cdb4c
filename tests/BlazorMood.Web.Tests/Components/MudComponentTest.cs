using Bunit;
using Microsoft.Extensions.DependencyInjection;
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
    }

    protected BunitContext Context { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
