using Microsoft.Extensions.Configuration;

namespace BlazorMood.Web.Operations;

/// <summary>
/// What the web host does in a deployment. The workers alone are a different program, the worker host
/// (<c>src/BlazorMood.Worker</c>), not a role of this one.
/// </summary>
public enum NodeRole
{
    /// <summary>Everything in one process: the UI, hubs and APIs and the background workers (the embedded default).</summary>
    All,

    /// <summary>The UI, hubs and APIs; uploaded videos and library tracks are only queued, never analysed here.</summary>
    Web,
}

/// <summary>Section <c>Node</c>: the role of this process (see <see cref="NodeRole"/>).</summary>
public sealed class NodeOptions
{
    public const string SectionName = "Node";

    public NodeRole Role { get; set; } = NodeRole.All;

    /// <summary>True when this process runs the job workers too (role <c>all</c>).</summary>
    public bool RunsWorkers => Role is NodeRole.All;

    /// <summary>
    /// The options as configured. Service registration depends on the role (which hosted services exist, which
    /// endpoints are mapped), so it is read from configuration before the container is built; an unknown role, or
    /// <c>worker</c>, stops start-up with a message naming the valid ones (and, for <c>worker</c>, the worker host).
    /// </summary>
    public static NodeOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration.GetSection(SectionName)[nameof(Role)];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new NodeOptions();
        }
        if (string.Equals(raw.Trim(), "worker", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "Node:Role 'worker' is not a role of the web host: run the worker host (src/BlazorMood.Worker, image blazormood-worker) " +
                "for the workers, and give the web host all (the default) or web.");
        }
        if (!Enum.TryParse<NodeRole>(raw.Trim(), ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(raw, out _))
        {
            throw new InvalidOperationException($"Node:Role '{raw}' is not a role of the web host; use all or web.");
        }
        return new NodeOptions { Role = role };
    }
}
