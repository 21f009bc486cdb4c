using BlazorMood.Video;
using Microsoft.Extensions.DependencyInjection.Extensions;
using BlazorMood.Data;
using BlazorMood.Data.Videos;
using BlazorMood.Data.Jobs;
using BlazorMood.Events;
using BlazorMood.Music.Context;

namespace BlazorMood.VideoJobs;

public static class VideoJobsServiceCollectionExtensions
{
    /// <summary>
    /// The Upload Video feature on every node: the video pipeline (<c>AddVideo</c>, section <c>Video</c>), the database,
    /// job storage, <see cref="IVideoJobs"/> and <see cref="IVideoJobNotifier"/> (section <c>VideoJobs</c>). Queues
    /// jobs only; <see cref="AddVideoJobWorkers"/> runs them. Needs the vision models (<c>AddVision</c>) when a worker
    /// runs; the order of registration does not matter.
    /// </summary>
    public static IServiceCollection AddVideoJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(VideoJobsMarker)))
        {
            return services;
        }
        services.AddSingleton<VideoJobsMarker>();
        services.AddData(configuration);
        // Every node schedules video jobs into the engine; only worker nodes (AddVideoJobWorkers) run them.
        services.AddJobEngine(configuration);
        var slots = configuration.GetSection(VideoJobOptions.SectionName).GetValue(nameof(VideoJobOptions.MaxConcurrentJobs), new VideoJobOptions().MaxConcurrentJobs);
        services.AddJobKind<VideoAnalysisJob>(new JobKind(VideoAnalysisJob.Group, Math.Clamp(slots, 1, 16)));
        services.AddVideo(configuration);
        services.AddOptions<VideoJobOptions>()
            .BindConfiguration(VideoJobOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.InputRetention >= TimeSpan.Zero && o.OutputRetention >= TimeSpan.Zero && o.JobRetention >= TimeSpan.Zero,
                "VideoJobs: retention periods cannot be negative.")
            .Validate(o => o.JobRetention == TimeSpan.Zero || (o.JobRetention >= o.InputRetention && o.JobRetention >= o.OutputRetention),
                "VideoJobs:JobRetention must be zero (keep) or at least InputRetention and OutputRetention.")
            .Validate(o => o.SweepInterval >= TimeSpan.FromSeconds(1),
                "VideoJobs:SweepInterval must be at least 1 s.")
            .Validate(o => o.EventStreamRecheckInterval >= TimeSpan.FromMilliseconds(100),
                "VideoJobs:EventStreamRecheckInterval must be at least 100 ms.")
            .Validate(o => o.HeartbeatInterval >= TimeSpan.FromMilliseconds(100) && o.LeaseDuration >= 3 * o.HeartbeatInterval,
                "VideoJobs:HeartbeatInterval must be at least 100 ms and LeaseDuration at least three heartbeats.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<VideoStorage>();
        services.AddSingleton<VideoJobStore>();
        services.AddSingleton<VideoJobRuns>();
        // Job changes reach the owner's subscribers on every node (a worker node runs the job, a web node shows it).
        services.AddDistributedEvent<OwnerJobChange>("videojobs");
        services.AddSingleton<VideoJobNotifier>();
        services.AddSingleton<IVideoJobNotifier>(sp => sp.GetRequiredService<VideoJobNotifier>());
        services.AddSingleton<VideoJobRecovery>();
        services.AddSingleton<IVideoJobs, VideoJobService>();
        services.AddSingleton<VideoJobWorker>();
        services.AddSingleton<VideoRetentionSweeper>();
        services.TryAddSingleton<VideoJobMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<VideoJobMetrics>());
        services.TryAddSingleton<RecommendationContextReporter>();
        return services;
    }

    /// <summary>
    /// Runs the jobs on this node: the job engine's scheduler with <see cref="VideoAnalysisJob"/> and the retention sweeper of the shared storage (with
    /// <see cref="AddVideoJobs"/>). A node that only serves users does not call this; it queues jobs for the worker nodes.
    /// </summary>
    public static IServiceCollection AddVideoJobWorkers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVideoJobs(configuration);
        if (!services.Any(d => d.ServiceType == typeof(VideoJobWorkersMarker)))
        {
            services.AddSingleton<VideoJobWorkersMarker>();
            // Start-up recovery first, then the engine's scheduler starts taking jobs (once the application started).
            services.AddHostedService(sp => sp.GetRequiredService<VideoJobWorker>());
            services.AddJobEngineWorker(configuration);
            services.AddHostedService(sp => sp.GetRequiredService<VideoRetentionSweeper>());
        }
        return services;
    }

    /// <summary>Registered once with the feature, so that every caller may ask for it.</summary>
    private sealed class VideoJobsMarker;

    /// <summary>Registered once with the workers, so a second call adds no second worker.</summary>
    private sealed class VideoJobWorkersMarker;
}
