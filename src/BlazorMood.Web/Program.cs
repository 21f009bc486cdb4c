using BlazorMood.Hosting;
using BlazorMood.Web.Components;
using BlazorMood.Web.Extensions;
using BlazorMood.Web.Hosting;
using BlazorMood.Web.Operations;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // The repository root holds the shared wwwroot/, models/, playlists/ and appsettings.json.
    ContentRootPath = ContentRootLocator.Locate(),
});

builder.AddApplicationServices();

var app = builder.Build();

app.UseApplicationPipeline();
// /healthz, /readyz and /metrics on every node; a worker node serves nothing else.
app.MapOperations();
if (NodeOptions.From(app.Configuration).ServesUsers)
{
    app.MapApplicationEndpoints();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
}
else
{
    // Everything else is 404 for anyone: without an endpoint the authorization fallback would send callers to a
    // sign-in page this node does not have (API tokens no longer sign anyone in outside /api).
    app.MapFallback("{**path}", () => Results.NotFound()).AllowAnonymous();
}

app.Run();

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
