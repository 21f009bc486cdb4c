using BlazorMood.Data.Music;
using BlazorMood.Music;
using BlazorMood.Vision;
using BlazorMood.Web.Api;
using BlazorMood.Web.Live;
using BlazorMood.Web.Videos;
using Microsoft.AspNetCore.StaticFiles;
using MudBlazor.Services;

namespace BlazorMood.Web.Extensions;

/// <summary>Everything the host registers and maps; Program.cs stays a table of contents.</summary>
public static class ApplicationExtensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        // Static assets of packages (MudBlazor, the Blazor framework script) come from the build's manifest,
        // whichever environment runs; the top-level wwwroot/ is served as the web root.
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddProblemDetails();
        builder.Services.AddVision(builder.Configuration);
        // Model paths in configuration are relative to the content root (the repository root or the publish folder).
        builder.Services.PostConfigure<VisionOptions>(o =>
            o.ModelsPath = Path.GetFullPath(o.ModelsPath, builder.Environment.ContentRootPath));
        builder.Services.AddEmotionApi(builder.Configuration);
        builder.Services.AddLiveEmotion(builder.Configuration);
        builder.Services.AddMusic(builder.Configuration).AddRecommendationApi(builder.Configuration);
        // Library imported into SQLite, stored track features, feedback kept across restarts (after AddLiveEmotion's AddData).
        builder.Services.AddMusicPersistence(builder.Configuration);
        builder.Services.PostConfigure<MusicOptions>(o => o.LibraryPath = Path.GetFullPath(o.LibraryPath, builder.Environment.ContentRootPath));
        // Upload Video: pipeline, durable jobs, worker, retention (after the database and the recommendation reporter).
        builder.Services.AddVideoJobs(builder.Configuration);
        return builder;
    }

    public static WebApplication UseApplicationPipeline(this WebApplication app)
    {
        // Unhandled exceptions become RFC 7807 JSON for API callers instead of a stack trace or an empty 500.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        // Files of the top-level wwwroot/ are served before routing, so the static-asset endpoints
        // (framework and package assets from the build manifest) only see what they own.
        // .ogg files here are the audio-only mood cues (wwwroot/cues/), not video.
        var contentTypes = new FileExtensionContentTypeProvider();
        contentTypes.Mappings[".ogg"] = "audio/ogg";
        app.UseStaticFiles(new StaticFileOptions { ContentTypeProvider = contentTypes });
        app.UseLiveSessionCookie();
        app.UseRouting();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).WithName("Health");
        app.MapEmotionApi();
        app.MapLiveEmotion();
        app.MapRecommendationApi();
        app.MapVideoApi();
        return app;
    }
}
