using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace BlazorMood.Media;

public static class FfmpegServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FfmpegOptions"/>, bound from the <c>Ffmpeg</c> section of <paramref name="configuration"/>
    /// (a configuration root) and of the host's configuration when there is one (tools and tests without either get
    /// the defaults), with a relative <see cref="FfmpegOptions.BinaryFolder"/> taken from the content root, validated at
    /// start. Safe to call from every feature's registration.
    /// </summary>
    public static IServiceCollection AddFfmpeg(this IServiceCollection services, IConfiguration? configuration)
    {
        services.AddFfmpeg();
        if (configuration is not null)
        {
            services.Configure<FfmpegOptions>(configuration.GetSection(FfmpegOptions.SectionName));
        }
        return services;
    }

    /// <summary>As <see cref="AddFfmpeg(IServiceCollection, IConfiguration?)"/>, with settings changed in code (tools, tests).</summary>
    public static IServiceCollection AddFfmpeg(this IServiceCollection services, Action<FfmpegOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(FfmpegOptionsMarker)))
        {
            services.AddSingleton<FfmpegOptionsMarker>();
            services.AddOptions<FfmpegOptions>()
                .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(FfmpegOptions.SectionName).Bind(o))
                .PostConfigure<IServiceProvider>((o, sp) =>
                {
                    if (!string.IsNullOrWhiteSpace(o.BinaryFolder) && !Path.IsPathRooted(o.BinaryFolder) && sp.GetService<IHostEnvironment>() is { } env)
                    {
                        o.BinaryFolder = Path.GetFullPath(o.BinaryFolder, env.ContentRootPath);
                    }
                })
                .ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FfmpegOptions>, FfmpegOptionsValidator>());
        }
        if (configure is not null)
        {
            services.Configure(configure);
        }
        return services;
    }

    private sealed class FfmpegOptionsMarker;
}
