using Microsoft.Extensions.Configuration;

namespace BlazorMood.Web.Operations;

/// <summary>What a process of this build does in a deployment of several nodes.</summary>
public enum NodeRole
{
    /// <summary>Everything in one process: the UI, hubs and APIs and the background workers (the embedded default).</summary>
    All,

    /// <summary>The UI, hubs and APIs; uploaded videos and library tracks are only queued, never analysed here.</summary>
    Web,

    /// <summary>The background workers (video jobs, their retention, track analysis) and the operations endpoints only.</summary>
    Worker,
}

/// <summary>Section <c>Node</c>: the role of this process (see <see cref="NodeRole"/>).</summary>
public sealed class NodeOptions
{
    public const string SectionName = "Node";

    public NodeRole Role { get; set; } = NodeRole.All;

    /// <summary>True when this process runs the job workers (roles <c>all</c> and <c>worker</c>).</summary>
    public bool RunsWorkers => Role is NodeRole.All or NodeRole.Worker;

    /// <summary>True when this process serves the Blazor UI, the hubs and the APIs (roles <c>all</c> and <c>web</c>).</summary>
    public bool ServesUsers => Role is NodeRole.All or NodeRole.Web;

    /// <summary>
    /// The options as configured. Service registration depends on the role (which hosted services exist, which
    /// endpoints are mapped), so it is read from configuration before the container is built; an unknown role
    /// stops start-up with a message naming the valid ones.
    /// </summary>
    public static NodeOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = configuration.GetSection(SectionName)[nameof(Role)];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new NodeOptions();
        }
        if (!Enum.TryParse<NodeRole>(raw.Trim(), ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(raw, out _))
        {
            throw new InvalidOperationException($"Node:Role '{raw}' is not a role; use all, web or worker.");
        }
        return new NodeOptions { Role = role };
    }
}
