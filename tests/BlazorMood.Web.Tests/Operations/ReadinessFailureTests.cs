using BlazorMood.Hosting;
using System.Net;
using System.Text.Json;
using BlazorMood.Web.Operations;
using BlazorMood.Web.Tests.Videos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BlazorMood.Web.Tests.Operations;

[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Collection(OperationsCollection.Name)]
public sealed class ReadinessFailureTests
{
    [Fact]
    public async Task A_failing_check_registered_by_another_feature_turns_readyz_503_while_healthz_stays_200()
    {
        // How another feature (the Redis backplane) joins /readyz: a standard health check with the "ready" tag.
        // This one fails the way an unreachable server does.
        using var host = new VideoHostFactory(services: services => services.AddHealthChecks().AddCheck(
            "backplane",
            () => HealthCheckResult.Unhealthy("Connection refused."),
            tags: [OperationsServiceCollectionExtensions.ReadyTag]));
        using var anonymous = host.CreateClient();

        var response = await anonymous.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("backplane").GetProperty("status").GetString());
        Assert.Equal("Connection refused.", report.GetProperty("checks").GetProperty("backplane").GetProperty("description").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
    }
}
