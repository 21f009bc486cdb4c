using BlazorMood.Hosting;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BlazorMood.Web.Operations;

public static class WebOperationsServiceCollectionExtensions
{
    /// <summary>
    /// The operations of every host (<c>AddOperations</c>: /healthz, /readyz, metrics) plus the web host's own: its node
    /// role (<c>Node</c>) and the count of open Blazor circuits.
    /// </summary>
    public static IServiceCollection AddWebOperations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOperations(configuration);
        var node = NodeOptions.From(configuration);
        services.AddOptions<NodeOptions>().Configure(o => o.Role = node.Role);
        services.TryAddSingleton<BlazorMoodMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, CircuitCounter>());
        return services;
    }
}
