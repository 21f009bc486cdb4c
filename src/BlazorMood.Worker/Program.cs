using BlazorMood.Hosting;
using BlazorMood.Worker;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // The repository root (or the image's /app) holds appsettings.json, models/ and playlists/, as for the web host.
    ContentRootPath = ContentRootLocator.Locate(),
});

builder.AddWorkerServices();

var app = builder.Build();
app.MapWorkerEndpoints();
app.Run();
