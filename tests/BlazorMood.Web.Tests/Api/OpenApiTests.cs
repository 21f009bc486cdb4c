using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using BlazorMood.Web.Tests.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Api;

/// <summary>
/// <c>/openapi/v1.json</c> describes every endpoint of the HTTP API the app really maps (and nothing outside /api), and
/// the reference page at <c>/scalar/v1</c> opens for administrators only.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed partial class OpenApiTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private static readonly HashSet<string> DocumentedMethods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    [GeneratedRegex(@"\{(?<name>\w+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>"/api/videos/{id:guid}/" → "/api/videos/{id}", the way OpenAPI writes paths.</summary>
    private static string OpenApiPath(string pattern) => "/" + RouteParameter().Replace(pattern, "{${name}}").Trim('/');

    [Fact]
    public async Task The_document_lists_every_api_endpoint_and_nothing_else()
    {
        var expected = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(DocumentedMethods.Contains)
                .Select(m => (Path: OpenApiPath(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToHashSet();
        Assert.Contains(("/api/recommend", "get"), expected);
        Assert.Contains(("/api/videos/{id}", "delete"), expected);
        using var browser = new BrowserSession(factory);
        await browser.SignInAsync(factory.User);

        using var response = await browser.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        var documented = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => DocumentedMethods.Contains(o.Name.ToUpperInvariant())).Select(o => (Path: p.Name, Method: o.Name)))
            .ToHashSet();
        Assert.Empty(expected.Except(documented));
        Assert.Empty(documented.Except(expected));
        Assert.Equal("BlazorMood API", document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_document_needs_a_signed_in_browser()
    {
        using var anonymous = new BrowserSession(factory);

        using var response = await anonymous.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_reference_page_opens_for_an_admin_with_its_scripts_allowed_by_the_csp()
    {
        using var admin = new BrowserSession(factory);
        await admin.SignInAsync(factory.Admin);

        using var response = await admin.Client.GetAsync("/scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        var nonce = Regex.Match(csp, "'nonce-(?<n>[0-9A-F]+)'").Groups["n"].Value;
        Assert.NotEqual("", nonce);
        var scripts = Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag, StringComparison.Ordinal));
        // The page loads the document from the app (a path Scalar resolves against the site root), not from elsewhere.
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user", HttpStatusCode.Forbidden)]
    [InlineData("kiosk", HttpStatusCode.Forbidden)]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    public async Task A_non_admin_cannot_open_the_reference_page(string caller, HttpStatusCode expected)
    {
        using var browser = new BrowserSession(factory);
        if (caller != "anonymous")
        {
            await browser.SignInAsync(caller == "user" ? factory.User : factory.Kiosk);
        }

        using var response = await browser.Client.GetAsync("/scalar/v1");

        Assert.Equal(expected, response.StatusCode);
    }
}
