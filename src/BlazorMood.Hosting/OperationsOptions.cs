using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Hosting;

/// <summary>Who may scrape the Prometheus endpoint.</summary>
public enum MetricsAccess
{
    /// <summary>Anonymous callers from this machine (a sidecar scraper, <c>curl localhost</c>), anyone else only as an Admin.</summary>
    LoopbackOrAdmin,

    /// <summary>Signed-in Admins (cookie or API token) only.</summary>
    Admin,

    /// <summary>Anyone who reaches the port: only behind a network that already keeps strangers out.</summary>
    Anonymous,
}

/// <summary>Section <c>Operations</c>: the readiness probe and the metrics endpoint.</summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>Path of the Prometheus text endpoint.</summary>
    [Required]
    [RegularExpression("^/[A-Za-z0-9/_.-]*$", ErrorMessage = "Operations:MetricsPath must be a path starting with '/'.")]
    public string MetricsPath { get; set; } = "/metrics";

    public MetricsAccess MetricsAccess { get; set; } = MetricsAccess.LoopbackOrAdmin;

    /// <summary>How long one readiness check (database, models, Redis…) may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ReadinessCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
