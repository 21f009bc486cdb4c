using BlazorMood.Data.Music;
using BlazorMood.Events;
using BlazorMood.Hosting;
using BlazorMood.Hosting.KeyRing;
using BlazorMood.Hosting.Subsonic;
using BlazorMood.Music;
using BlazorMood.Music.Curation;
using BlazorMood.Vision;
using BlazorMood.VideoJobs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using System.Text.Encodings.Web;

namespace BlazorMood.Worker;

/// <summary>What the worker host registers and maps; <c>Program.cs</c> only builds and runs it.</summary>
public static class WorkerHost
{
    /// <summary>
    /// The worker's work: video jobs with their lease worker and retention sweeper, track analysis of the shared music
    /// library, the syncs of Subsonic servers, the event bus's Redis transport (job progress and analysis progress reach the web nodes), the
    /// operations endpoints' services. The same configuration keys as the web host.
    /// </summary>
    public static WebApplicationBuilder AddWorkerServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;
        var role = configuration.GetSection("Node")["Role"];
        if (!string.IsNullOrWhiteSpace(role) && !string.Equals(role.Trim(), "worker", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Node:Role '{role}' on the worker host: it only runs workers; serve users with BlazorMood.Web.");
        }
        services.AddVision(configuration);
        // Paths in configuration are relative to the content root (the repository root or the image's /app).
        services.PostConfigure<VisionOptions>(o => o.ModelsPath = Path.GetFullPath(o.ModelsPath, builder.Environment.ContentRootPath));
        services.AddMusic(configuration);
        services.PostConfigure<MusicOptions>(o => o.LibraryPath = Path.GetFullPath(o.LibraryPath, builder.Environment.ContentRootPath));
        // The curation file says which tracks are banned; analysis progress goes to the Admin pages over the bus.
        services.AddLibraryCuration(configuration);
        // Video jobs first, as in the web host: their start-up recovery is registered before the job engine's
        // scheduler, which then also runs the track analysis job.
        services.AddVideoJobWorkers(configuration);
        services.AddTrackAnalysisWorker(configuration);
        // Subsonic syncs queued by the web nodes: the same server list (Music:Subsonic:ServersPath) and the same key
        // ring (DataProtection:KeysPath) as theirs, so the stored passwords open here too.
        services.AddSharedKeyRing(configuration, builder.Environment);
        services.AddSubsonicServers(configuration);
        services.AddSubsonicSyncWorker(configuration);
        var redis = services.AddRedisEventTransport(configuration);
        services.AddOperations(configuration);
        if (redis.Enabled)
        {
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [OperationsServiceCollectionExtensions.ReadyTag]);
        }
        // Nobody signs in to a worker: a scheme that never authenticates, so the metrics rule sees an anonymous caller
        // and a refused one gets a plain 401/403 instead of a redirect to a sign-in page the worker does not have.
        services.AddAuthentication(NoSignIn.SchemeName).AddScheme<AuthenticationSchemeOptions, NoSignIn>(NoSignIn.SchemeName, _ => { });
        services.AddAuthorization();
        return builder;
    }

    /// <summary>/healthz, /readyz and /metrics; every other path is 404.</summary>
    public static WebApplication MapWorkerEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOperations();
        app.MapFallback("{**path}", () => Results.NotFound()).AllowAnonymous();
        return app;
    }

    private sealed class NoSignIn(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "None";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}
