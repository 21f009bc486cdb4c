using System.Text.Json;
using BlazorMood.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BlazorMood.Hosting;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>Tag of the checks <c>/readyz</c> runs. Other features (Redis, …) register theirs with this tag.</summary>
    public const string ReadyTag = "ready";

    public const string MetricsPolicy = "Metrics";

    public const string LivenessPath = "/healthz";

    public const string ReadinessPath = "/readyz";

    /// <summary>The standard OpenTelemetry variable naming the collector; traces are exported over OTLP only when it is set.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>
    /// The operations side of every host (web and worker): readiness checks (models, database; tag
    /// <see cref="ReadyTag"/>), the app's meter (<see cref="BlazorMoodMeter"/>) exported by OpenTelemetry to a
    /// Prometheus endpoint, and the policy guarding it (<c>Operations</c>). Needs the database and the vision models.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OperationsOptions>()
            .BindConfiguration(OperationsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var timeout = configuration.GetSection(OperationsOptions.SectionName).GetValue<TimeSpan?>(nameof(OperationsOptions.ReadinessCheckTimeout))
            ?? new OperationsOptions().ReadinessCheckTimeout;

        services.AddHealthChecks()
            .AddCheck<ModelsReadyCheck>("models", tags: [ReadyTag], timeout: timeout)
            .AddCheck<DatabaseReadyCheck>("database", tags: [ReadyTag], timeout: timeout);

        // Log lines written inside a span carry its trace and span ids and its tags (BlazorMoodTracing's correlation id).
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions |=
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId | ActivityTrackingOptions.Tags);
        var otlpEndpoint = configuration[OtlpEndpointVariable];
        var metricsPath = configuration.GetSection(OperationsOptions.SectionName).GetValue<string>(nameof(OperationsOptions.MetricsPath))
            ?? new OperationsOptions().MetricsPath;
        services.AddOpenTelemetry()
            .WithTracing(tracing =>
            {
                tracing.AddSource(BlazorMoodTracing.SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperationsPath(http.Request.Path, metricsPath))
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation()
                    // Resolves the multiplexer from the container where Redis is configured (scale-out); none otherwise.
                    .AddRedisInstrumentation();
                // Spans leave the process only where a collector is named (the standard OTLP variable); otherwise
                // they still give the log lines their trace ids and correlation tags.
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics => metrics
            .AddMeter(BlazorMoodMeter.Name)
            // Rows the background writers could not store.
            .AddMeter(BlazorMood.Data.ResilientBatchWriter.MeterName)
            // Built into ASP.NET Core: request durations, Kestrel connections, SignalR connections.
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
            .AddPrometheusExporter());

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, MetricsAccessHandler>();
        services.AddAuthorizationBuilder().AddPolicy(MetricsPolicy, p => p.AddRequirements(new MetricsAccessRequirement()));
        return services;
    }

    /// <summary>
    /// <c>/healthz</c> (alive: the process answers; anonymous), <c>/readyz</c> (every check tagged
    /// <see cref="ReadyTag"/> passes: 200, else 503; JSON per check; anonymous) and the Prometheus endpoint.
    /// </summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<OperationsOptions>>().Value;
        endpoints.MapGet(LivenessPath, () => Results.Ok(new { status = "ok" })).WithName("Health").AllowAnonymous();
        endpoints.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReportAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).WithName("Readiness").AllowAnonymous();
        endpoints.MapPrometheusScrapingEndpoint(options.MetricsPath).WithName("Metrics").RequireAuthorization(MetricsPolicy);
        return endpoints;
    }

    // Probes and scrapes every few seconds would drown the traces that matter.
    private static bool IsOperationsPath(PathString path, string metricsPath) =>
        path.StartsWithSegments(LivenessPath) || path.StartsWithSegments(ReadinessPath) || path.StartsWithSegments(metricsPath);

    private static Task WriteReportAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    // The exception's message only (never its stack): enough to tell "refused" from "timed out".
                    error = e.Value.Exception?.Message,
                    data = e.Value.Data.Count == 0 ? null : e.Value.Data,
                }),
        };
        return JsonSerializer.SerializeAsync(http.Response.Body, body, ReportJson, http.RequestAborted);
    }
}
