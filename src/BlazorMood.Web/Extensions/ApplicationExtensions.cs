using BlazorMood.Hosting;
using BlazorMood.Data.Music;
using BlazorMood.Music;
using BlazorMood.Music.Curation;
using BlazorMood.Vision;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Api;
using BlazorMood.Web.Curation;
using BlazorMood.Web.History;
using BlazorMood.Web.Hosting;
using BlazorMood.Hosting.KeyRing;
using BlazorMood.Web.Kiosk;
using BlazorMood.Web.Live;
using BlazorMood.Web.Operations;
using BlazorMood.Web.RateLimiting;
using BlazorMood.Web.Videos;
using BlazorMood.Web.Subsonic;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.StaticFiles;
using MudBlazor.Services;
using BlazorMood.VideoJobs;

namespace BlazorMood.Web.Extensions;

/// <summary>Everything the host registers and maps; Program.cs stays a table of contents.</summary>
public static class ApplicationExtensions
{
    /// <summary>Name of <c>POST /api/videos</c> (the Videos feature names it so).</summary>
    private const string VideoUploadEndpointName = "UploadVideo";

    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        // Static assets of packages (MudBlazor, the Blazor framework script) come from the build's manifest,
        // whichever environment runs; the top-level wwwroot/ is served as the web root.
        builder.WebHost.UseStaticWebAssets();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddProblemDetails();
        builder.Services.AddApiDocumentation();
        // Body errors that escape a handler (oversize, malformed multipart) are 413/400, never 500.
        builder.Services.AddExceptionHandler<ClientErrorExceptionHandler>();
        builder.Services.AddSecurityHeaders();
        builder.Services.AddVision(builder.Configuration);
        // Model paths in configuration are relative to the content root (the repository root or the publish folder).
        builder.Services.PostConfigure<VisionOptions>(o =>
            o.ModelsPath = Path.GetFullPath(o.ModelsPath, builder.Environment.ContentRootPath));
        // Every feature adds what it needs (the database, the music services, the live analysis) itself, and adding
        // twice adds nothing, so the features below may be listed in any order.
        builder.Services.AddEmotionApi(builder.Configuration);
        builder.Services.AddLiveEmotion(builder.Configuration);
        builder.Services.AddMusic(builder.Configuration).AddRecommendationApi(builder.Configuration);
        // Library imported into the database, stored track features, feedback kept across restarts.
        builder.Services.AddMusicPersistence(builder.Configuration);
        builder.Services.PostConfigure<MusicOptions>(o => o.LibraryPath = Path.GetFullPath(o.LibraryPath, builder.Environment.ContentRootPath));
        // Admin curation of the library (side file of bans, pin, mappings, schedules; uploads; import/export), live in the recommender.
        builder.Services.AddLibraryCuration(builder.Configuration);
        // Subsonic servers as a music source (passwords protected by the key ring AddSharedKeyRing sets up).
        builder.Services.AddSubsonicSource(builder.Configuration);
        // Upload Video: pipeline and durable jobs; this node queues them.
        builder.Services.AddVideoJobs(builder.Configuration);
        // One Data Protection key ring for every node (sign-in cookies, antiforgery tokens), kept on disk across restarts.
        builder.Services.AddSharedKeyRing(builder.Configuration, builder.Environment);
        // Accounts: Identity on the same database, cookies and API tokens, role policies, a fallback policy that
        // requires a signed-in user everywhere else; rate limits; the History page's data.
        builder.Services.AddAccounts(builder.Configuration);
        builder.Services.AddRequestRateLimits(builder.Configuration);
        builder.Services.AddHistory(builder.Configuration);
        // Gym kiosk: device links, the device check on the sign-in cookie, the group-mood player.
        builder.Services.AddKiosk(builder.Configuration);
        // Operations: node role, /readyz checks, metrics on a Prometheus endpoint.
        builder.Services.AddWebOperations(builder.Configuration);
        if (NodeOptions.From(builder.Configuration).RunsWorkers)
        {
            // Video analysis, retention, track analysis and Subsonic syncs run here too (a single process); role web leaves them to the worker host.
            builder.Services.AddVideoJobWorkers(builder.Configuration);
            builder.Services.AddTrackAnalysisWorker(builder.Configuration);
            builder.Services.AddSubsonicSyncWorker(builder.Configuration);
        }
        return builder;
    }

    public static WebApplication UseApplicationPipeline(this WebApplication app)
    {
        // CSP, nosniff, frame and referrer policies on every response, whoever ends it.
        app.UseSecurityHeaders();
        // While the server stops, reconnecting clients are told to come back later rather than pinning it open.
        app.UseShutdownGate();
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
        app.UseRouting();
        app.UseAccounts();
        // After authentication: limits count per signed-in user (per IP address for anonymous callers).
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        // The sign-in page needs the framework script and the styles before anyone is signed in.
        app.MapStaticAssets().AllowAnonymous();
        app.MapEmotionApi();
        app.MapLiveEmotion();
        app.MapRecommendationApi();
        app.MapAdminLibraryApi();
        app.MapSubsonicApi();
        // Uploads are personal (role User or Admin); only the upload itself is rate limited, not status polls or cancels.
        var videos = app.MapGroup(string.Empty).RequireAuthorization(Policies.User);
        // Finally: after the endpoints' own conventions, so that the endpoint already carries its name.
        ((IEndpointConventionBuilder)videos).Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == VideoUploadEndpointName))
            {
                endpoint.Metadata.Add(new EnableRateLimitingAttribute(RateLimitPolicies.VideoUploads));
            }
        });
        videos.MapVideoApi();
        app.MapKiosk();
        app.MapApiDocumentation();
        return app;
    }
}
