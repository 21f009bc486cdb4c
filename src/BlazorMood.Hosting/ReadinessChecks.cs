using System.Net;
using BlazorMood.Accounts;
using BlazorMood.Data;
using BlazorMood.Vision;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BlazorMood.Hosting;

/// <summary>Ready when every enabled ONNX model has its session (created at start-up by the vision validator, else now).</summary>
internal sealed class ModelsReadyCheck(IServiceProvider services, IOptions<VisionOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var loaded = new Dictionary<string, object>();
        try
        {
            // The components are singletons that create their session in the constructor: resolving one is free
            // once it exists, and proves the file loads when it does not yet.
            Require<FaceDetector>(o.FaceDetector, loaded);
            Require<EmotionClassifier>(o.Emotion, loaded);
            Require<FaceExpressionClassifier>(o.FaceExpression, loaded);
            if (o.FaceExpression.Enabled && o.EmotionFusion.Enabled)
            {
                loaded[nameof(EmotionFusion)] = services.GetRequiredService<EmotionFusion>().Path;
            }
            Require<PoseEstimator>(o.Pose, loaded);
            Require<ObjectDetector>(o.Objects, loaded);
        }
        catch (ModelLoadException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"A model does not load: {e.Message}", data: loaded));
        }
        loaded["cuda"] = services.GetRequiredService<ModelSessionFactory>().UsingCuda;
        return Task.FromResult(HealthCheckResult.Healthy($"{loaded.Count - 1} model(s) loaded.", loaded));
    }

    private void Require<T>(ModelOptions model, Dictionary<string, object> loaded)
        where T : notnull
    {
        if (model.Enabled)
        {
            services.GetRequiredService<T>();
            loaded[typeof(T).Name] = model.FileName;
        }
    }
}

/// <summary>Ready when the database answers a trivial query (whichever provider is configured).</summary>
internal sealed class DatabaseReadyCheck(IDbContextFactory<BlazorMoodDbContext> database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await database.CreateDbContextAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
            return HealthCheckResult.Healthy($"{db.Database.ProviderName} answers.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}

/// <summary>The <c>/metrics</c> rule of <see cref="OperationsOptions.MetricsAccess"/>.</summary>
internal sealed class MetricsAccessRequirement : IAuthorizationRequirement;

internal sealed class MetricsAccessHandler(IOptionsMonitor<OperationsOptions> options) : AuthorizationHandler<MetricsAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MetricsAccessRequirement requirement)
    {
        var access = options.CurrentValue.MetricsAccess;
        var admin = context.User.Identity?.IsAuthenticated == true && context.User.IsInRole(Roles.Admin);
        var loopback = context.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);
        if (access == MetricsAccess.Anonymous || admin || (access == MetricsAccess.LoopbackOrAdmin && loopback))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
