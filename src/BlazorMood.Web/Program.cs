using BlazorMood.Hosting;
using BlazorMood.Web.Components;
using BlazorMood.Web.Extensions;
using BlazorMood.Web.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // The repository root holds the shared wwwroot/, models/, playlists/ and appsettings.json.
    ContentRootPath = ContentRootLocator.Locate(),
});

builder.AddApplicationServices();

var app = builder.Build();

app.UseApplicationPipeline();
// /healthz, /readyz and /metrics.
app.MapOperations();
app.MapApplicationEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
