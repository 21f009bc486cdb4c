using BlazorMood.Web.Accounts;
using BlazorMood.Web.Hosting;
using Scalar.AspNetCore;

namespace BlazorMood.Web.Api;

/// <summary>
/// The HTTP API's OpenAPI document at <c>/openapi/v1.json</c> (any signed-in account) and a browsable reference of it
/// at <c>/scalar/v1</c> for administrators. Only <c>/api/…</c> endpoints are described: pages, hubs and the
/// operations endpoints are not part of the API.
/// </summary>
public static class ApiDocumentation
{
    public const string DocumentName = "v1";

    /// <summary>Where the reference page lives; its scripts are bundled with the package (no CDN).</summary>
    public const string ReferencePath = "/scalar";

    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "BlazorMood API";
                document.Info.Description = "Emotion readings, music recommendations and feedback, video uploads and the admin library. " +
                                            "Scripts and kiosks send an API token (Authorization: Bearer …); a browser session works too.";
                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapApiDocumentation(this IEndpointRouteBuilder endpoints)
    {
        // The document: any signed-in account (the fallback policy), the people who write scripts against the API.
        endpoints.MapOpenApi();
        // The page's script tags carry this request's CSP nonce; fonts and telemetry would reach other hosts, which the
        // policy refuses anyway.
        endpoints.MapScalarApiReference(ReferencePath, (o, http) => o
                .WithTitle("BlazorMood API")
                .WithNonce(SecurityHeaders.NonceOf(http))
                .DisableDefaultFonts()
                .DisableTelemetry())
            .RequireAuthorization(Policies.Admin);
        return endpoints;
    }
}
