using BlazorMood.Video;
using BlazorMood.Web.Operations;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorMood.Web.Videos;

public static class VideoJobsServiceCollectionExtensions
{
    /// <summary>
    /// The Upload Video feature: the video pipeline (<c>AddVideo</c>, section <c>Video</c>), job storage, the worker,
    /// the retention sweeper, <see cref="IVideoJobs"/> and <see cref="IVideoJobNotifier"/> (section <c>VideoJobs</c>).
    /// Needs the database (<c>AddData</c>), the vision models (<c>AddVision</c>) and the recommendation context
    /// reporter (<c>AddRecommendationApi</c>) registered before it.
    /// </summary>
    public static IServiceCollection AddVideoJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddVideo(configuration);
        // A configured ffmpeg folder is relative to the content root, like every other path in appsettings.json.
        services.AddOptions<VideoOptions>().PostConfigure<IHostEnvironment>((o, env) =>
        {
            if (!string.IsNullOrWhiteSpace(o.BinaryFolder))
            {
                o.BinaryFolder = Path.GetFullPath(o.BinaryFolder, env.ContentRootPath);
            }
        });
        services.AddOptions<VideoJobOptions>()
            .BindConfiguration(VideoJobOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.InputRetention >= TimeSpan.Zero && o.OutputRetention >= TimeSpan.Zero && o.JobRetention >= TimeSpan.Zero,
                "VideoJobs: retention periods cannot be negative.")
            .Validate(o => o.JobRetention == TimeSpan.Zero || (o.JobRetention >= o.InputRetention && o.JobRetention >= o.OutputRetention),
                "VideoJobs:JobRetention must be zero (keep) or at least InputRetention and OutputRetention.")
            .Validate(o => o.SweepInterval >= TimeSpan.FromSeconds(1) && o.PollInterval >= TimeSpan.FromMilliseconds(50),
                "VideoJobs:SweepInterval must be at least 1 s and PollInterval at least 50 ms.")
            .Validate(o => o.EventStreamRecheckInterval >= TimeSpan.FromMilliseconds(100),
                "VideoJobs:EventStreamRecheckInterval must be at least 100 ms.")
            .Validate(o => o.HeartbeatInterval >= TimeSpan.FromMilliseconds(100) && o.LeaseDuration >= 3 * o.HeartbeatInterval,
                "VideoJobs:HeartbeatInterval must be at least 100 ms and LeaseDuration at least three heartbeats.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<VideoStorage>();
        services.AddSingleton<VideoJobStore>();
        services.AddSingleton<VideoJobRuns>();
        services.AddSingleton<VideoJobNotifier>();
        services.AddSingleton<IVideoJobNotifier>(sp => sp.GetRequiredService<VideoJobNotifier>());
        services.AddSingleton<VideoJobRecovery>();
        services.AddSingleton<IVideoJobs, VideoJobService>();
        services.AddSingleton<VideoJobWorker>();
        services.AddSingleton<VideoRetentionSweeper>();
        // A web node only queues jobs; the worker and the sweeper of the shared storage run on worker (or all) nodes.
        if (NodeOptions.From(configuration).RunsWorkers)
        {
            services.AddHostedService(sp => sp.GetRequiredService<VideoJobWorker>());
            services.AddHostedService(sp => sp.GetRequiredService<VideoRetentionSweeper>());
        }
        return services;
    }
}
