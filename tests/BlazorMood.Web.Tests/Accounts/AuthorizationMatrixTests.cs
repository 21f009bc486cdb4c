using System.Net;
using System.Text.RegularExpressions;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.Accounts;

/// <summary>
/// Every page and endpoint of the running app × {anonymous, User, Kiosk, Admin}, against the decisions below.
/// The endpoints come from the app's own <see cref="EndpointDataSource"/>: one without a decision here fails the test,
/// and so does a decision for an endpoint that no longer exists. Requests are real (cookies from the real sign-in form
/// for every route, and API tokens for APIs and hubs).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed partial class AuthorizationMatrixTests(AuthorizationMatrixTests.Host host, ITestOutputHelper output)
    : IClassFixture<AuthorizationMatrixTests.Host>
{
    /// <summary>Who may call: everyone, any signed-in account, or the roles of a policy.</summary>
    public enum Access
    {
        Anonymous,
        SignedIn,
        Kiosk,
        User,
        Admin,
    }

    /// <summary>How a refusal looks: pages redirect (sign-in, access denied), APIs and hubs answer 401/403.</summary>
    public enum Kind
    {
        Page,
        Api,
    }

    /// <param name="SignInAt">Where a page sends a signed-out visitor (the sign-in page unless the feature has its own).</param>
    /// <param name="AnswersForbidden">The endpoint itself answers 403 to a probe without its own credentials (a device link).</param>
    /// <param name="FindsNothing">The probe asks for something that does not exist: allowed callers get a 404, not a page.</param>
    /// <param name="CookieOnly">Only a browser sign-in counts: an API token is no credential here (the Blazor circuit).</param>
    public sealed record Decision(Access Access, Kind Kind, string SignInAt = AccountEndpoints.LoginPath, bool AnswersForbidden = false, bool FindsNothing = false, bool CookieOnly = false);

    /// <summary>
    /// The design. Keys: "METHODS pattern" as the endpoint declares them ("*" for endpoints of any method; pages take
    /// GET and POST, and are requested with GET).
    /// </summary>
    private static readonly Dictionary<string, Decision> Decisions = new(StringComparer.Ordinal)
    {
        // Anonymous: the sign-in pages and the health check (static files are checked separately).
        ["GET /healthz"] = new(Access.Anonymous, Kind.Api),
        ["* /readyz"] = new(Access.Anonymous, Kind.Api),
        ["GET,POST /account/login"] = new(Access.Anonymous, Kind.Page),
        ["GET,POST /account/register"] = new(Access.Anonymous, Kind.Page),
        ["GET,POST /account/access-denied"] = new(Access.Anonymous, Kind.Page),
        // A kiosk device signs in by opening the link an admin made; a refused link explains itself.
        ["GET /kiosk/enroll"] = new(Access.Anonymous, Kind.Api, AnswersForbidden: true),
        ["GET /kiosk/refused"] = new(Access.Anonymous, Kind.Api, AnswersForbidden: true),
        // A wall screen shows a short pairing code to any caller; only an admin's entry of the code pairs it.
        ["GET /kiosk/pair"] = new(Access.Anonymous, Kind.Api),
        // The pairing page asks whether its own code (its cookie) was entered yet; it hands nothing over.
        ["GET /kiosk/pair/state"] = new(Access.Anonymous, Kind.Api),
        // Any signed-in account.
        ["GET,POST /account/logout"] = new(Access.SignedIn, Kind.Page),
        // The live view and the music: every role, the kiosk included.
        ["GET,POST /"] = new(Access.Kiosk, Kind.Page),
        // A screen on a wall that lost its sign-in gets the kiosk's own refusal page, not the form meant for people.
        ["GET,POST /kiosk"] = new(Access.Kiosk, Kind.Page, SignInAt: "/kiosk/refused"),
        ["POST /api/emotion"] = new(Access.Kiosk, Kind.Api),
        ["GET /api/emotions/stream"] = new(Access.Kiosk, Kind.Api),
        ["GET /api/emotions/recent"] = new(Access.Kiosk, Kind.Api),
        ["GET /api/recommend"] = new(Access.Kiosk, Kind.Api),
        ["POST /api/feedback"] = new(Access.Kiosk, Kind.Api),
        ["GET,HEAD /api/tracks/{id}"] = new(Access.Kiosk, Kind.Api),
        ["* /hubs/emotion"] = new(Access.Kiosk, Kind.Api),
        ["* /hubs/emotion/negotiate"] = new(Access.Kiosk, Kind.Api),
        // Personal: a person's history, uploads and tokens (User or Admin; never a shared kiosk).
        ["GET,POST /history"] = new(Access.User, Kind.Page),
        ["GET,POST /account/tokens"] = new(Access.User, Kind.Page),
        ["POST /api/videos/"] = new(Access.User, Kind.Api),
        ["GET /api/videos/"] = new(Access.User, Kind.Api),
        ["GET /api/videos/{id:guid}"] = new(Access.User, Kind.Api),
        ["GET,HEAD /api/videos/{id:guid}/annotated"] = new(Access.User, Kind.Api),
        ["GET /api/videos/{id:guid}/events"] = new(Access.User, Kind.Api),
        ["POST /api/videos/{id:guid}/cancel"] = new(Access.User, Kind.Api),
        ["DELETE /api/videos/{id:guid}"] = new(Access.User, Kind.Api),
        // Subsonic servers: administrators add, list and remove them; people browse and play them through the app.
        ["GET /api/subsonic/servers"] = new(Access.Admin, Kind.Api),
        ["POST /api/subsonic/servers"] = new(Access.Admin, Kind.Api),
        ["DELETE /api/subsonic/servers/{id}"] = new(Access.Admin, Kind.Api),
        ["POST /api/subsonic/servers/{id}/sync"] = new(Access.Admin, Kind.Api),
        ["GET /api/subsonic/servers/{id}/sync"] = new(Access.Admin, Kind.Api),
        ["GET /api/subsonic/servers/{id}/albums"] = new(Access.User, Kind.Api),
        ["GET /api/subsonic/servers/{id}/albums/{albumId}"] = new(Access.User, Kind.Api),
        ["GET /api/subsonic/servers/{id}/songs/{songId}/stream"] = new(Access.User, Kind.Api),
        ["GET /api/subsonic/servers/{id}/cover/{coverId}"] = new(Access.User, Kind.Api),
        // Prometheus metrics: administrators (and, unauthenticated, only from the machine itself, which a test host is not).
        ["* /metrics"] = new(Access.Admin, Kind.Api),
        // The Blazor circuit and framework endpoints: whoever has a page open, i.e. signed in with the cookie (the
        // fallback policy); an API token is no browser sign-in.
        ["* /_blazor"] = new(Access.SignedIn, Kind.Api, CookieOnly: true),
        ["* /_blazor/negotiate"] = new(Access.SignedIn, Kind.Api, CookieOnly: true),
        ["* /_blazor/disconnect/"] = new(Access.SignedIn, Kind.Api, CookieOnly: true),
        ["* /_blazor/initializers/"] = new(Access.SignedIn, Kind.Api, CookieOnly: true),
        ["GET /_framework/opaque-redirect"] = new(Access.SignedIn, Kind.Api, CookieOnly: true),
        // The HTTP API's OpenAPI document: any account signed in with the browser (like the framework endpoints).
        ["GET /openapi/{documentName}.json"] = new(Access.SignedIn, Kind.Api, CookieOnly: true),
        // The development file server's catch-all for files outside the static-asset manifest (404 for anyone allowed).
        ["GET,HEAD {**path:file}"] = new(Access.SignedIn, Kind.Page, FindsNothing: true),
    };

    /// <summary>Whole families decided at once by prefix (the first that matches).</summary>
    private static readonly (string Prefix, Decision Decision)[] Families =
    [
        ("/admin", new(Access.Admin, Kind.Page)),
        ("/api/admin/", new(Access.Admin, Kind.Api)),
        // The API reference page for administrators; the scripts and icon it loads are the package's public files.
        ("/scalar/scalar.js", new(Access.Anonymous, Kind.Api)),
        ("/scalar/scalar.aspnetcore.js", new(Access.Anonymous, Kind.Api)),
        ("/scalar/favicon.svg", new(Access.Anonymous, Kind.Api)),
        ("/scalar", new(Access.Admin, Kind.Api, CookieOnly: true)),
    ];

    private static readonly string[] Callers = ["anonymous", Roles.User, Roles.Kiosk, Roles.Admin];

    private static bool Allows(Access access, string caller) => access switch
    {
        Access.Anonymous => true,
        Access.SignedIn or Access.Kiosk => caller != "anonymous",
        Access.User => caller is Roles.User or Roles.Admin,
        Access.Admin => caller == Roles.Admin,
        _ => false,
    };

    internal sealed record Probe(string Key, string Method, string Url, Decision Decision);

    private static string KeyOf(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        return $"{(methods is { Count: > 0 } m ? string.Join(",", m) : "*")} {endpoint.RoutePattern.RawText}";
    }

    private static bool IsStaticAsset(Endpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor");

    private static Decision? DecisionFor(string key, string pattern) =>
        Decisions.TryGetValue(key, out var d) ? d
        : Families.Where(f => pattern.StartsWith(f.Prefix, StringComparison.Ordinal)).Select(f => f.Decision).FirstOrDefault();

    /// <summary>A request that reaches the endpoint: route values filled with harmless, nonexistent ids.</summary>
    private static string UrlFor(string pattern) => RouteValue().Replace(pattern, m =>
        m.Groups["constraint"].Value.Contains("guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
        : m.Groups["constraint"].Value.Contains("file", StringComparison.Ordinal) ? "no-such-folder/no-such-file.txt"
        : "zz0000000000000000");

    [GeneratedRegex(@"\{(\*\*)?(?<name>\w+)(?<constraint>(:[^}]*)?)\}")]
    private static partial Regex RouteValue();

    private IReadOnlyList<Probe> Probes()
    {
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsStaticAsset(e)).ToArray();
        var undecided = new List<string>();
        var probes = new List<Probe>();
        foreach (var endpoint in endpoints)
        {
            var key = KeyOf(endpoint);
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (DecisionFor(key, pattern) is not { } decision)
            {
                undecided.Add(key);
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            var method = methods is { Count: > 0 } m ? m[0]
                : pattern.EndsWith("/negotiate", StringComparison.Ordinal) || pattern.EndsWith("/disconnect/", StringComparison.Ordinal) ? "POST" : "GET";
            probes.Add(new Probe(key, method, UrlFor(pattern), decision));
        }
        Assert.True(undecided.Count == 0, "Endpoints without an authorization decision (add them to the matrix):\n" + string.Join("\n", undecided));
        var keys = endpoints.Select(KeyOf).ToHashSet(StringComparer.Ordinal);
        var stale = Decisions.Keys.Where(k => !keys.Contains(k)).ToArray();
        Assert.True(stale.Length == 0, "Decisions for endpoints that no longer exist:\n" + string.Join("\n", stale));
        return probes;
    }

    [Fact]
    public void Every_endpoint_has_a_decision_and_every_component_page_declares_one()
    {
        var probes = Probes();

        Assert.True(probes.Count >= 30, $"only {probes.Count} endpoints found");
        // Interactive navigation checks only what a page declares, so no page may rely on the fallback policy alone.
        var pages = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).ToArray();
        Assert.NotEmpty(pages);
        Assert.All(pages, p => Assert.True(
            p.Metadata.GetMetadata<IAllowAnonymous>() is not null || p.Metadata.GetMetadata<IAuthorizeData>() is not null,
            $"{p.DisplayName} declares neither [Authorize] nor [AllowAnonymous]"));
    }

    [Fact]
    public async Task Every_role_reaches_exactly_what_the_design_allows()
    {
        var failures = new List<string>();
        var requests = 0;
        foreach (var probe in Probes())
        {
            foreach (var caller in Callers)
            {
                var allowed = Allows(probe.Decision.Access, caller);
                // Browsers: the sign-in cookie, for every route.
                var verdict = Judge(await host.SendAsync(caller, useToken: false, probe), probe, caller, allowed);
                requests++;
                if (verdict is not null)
                {
                    failures.Add($"{probe.Key} as {caller} (cookie): {verdict}");
                }
                // Scripts: the API token. It counts on APIs and hubs; pages and the circuit treat its bearer as
                // anonymous (a redirect to the sign-in page, or 401), so a token can never open a page.
                if (caller != "anonymous")
                {
                    var tokenCounts = probe.Decision.Kind == Kind.Api && !probe.Decision.CookieOnly;
                    verdict = tokenCounts
                        ? Judge(await host.SendAsync(caller, useToken: true, probe), probe, caller, allowed)
                        : Judge(await host.SendAsync(caller, useToken: true, probe), probe, "anonymous", Allows(probe.Decision.Access, "anonymous"));
                    requests++;
                    if (verdict is not null)
                    {
                        failures.Add($"{probe.Key} as {caller} (token): {verdict}");
                    }
                }
            }
        }
        output.WriteLine($"{requests} requests");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Static_files_are_public()
    {
        var assets = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Where(IsStaticAsset).ToArray();

        Assert.NotEmpty(assets);
        Assert.All(assets, a => Assert.NotNull(a.Metadata.GetMetadata<IAllowAnonymous>()));
        foreach (var path in new[] { "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.js", "/BlazorMood.Web.styles.css", "/favicon.svg", "/js/live-emotion.js" })
        {
            var response = await host.SendAsync("anonymous", false, new Probe(path, "GET", path, new(Access.Anonymous, Kind.Api)));
            Assert.True(response.Status == HttpStatusCode.OK, $"{path}: {(int)response.Status}");
        }
    }

    /// <summary>Null when the answer fits the decision; else what was wrong.</summary>
    private static string? Judge(Answer answer, Probe probe, string caller, bool allowed)
    {
        var (status, location) = answer;
        var toLogin = status == HttpStatusCode.Redirect && location?.AbsolutePath == probe.Decision.SignInAt;
        var toDenied = status == HttpStatusCode.Redirect && location?.AbsolutePath == AccountEndpoints.AccessDeniedPath;
        if (allowed)
        {
            var refused = status == HttpStatusCode.Unauthorized || (status == HttpStatusCode.Forbidden && !probe.Decision.AnswersForbidden) || toLogin || toDenied;
            return refused ? $"refused ({(int)status} {location})"
                : probe.Decision.Kind == Kind.Page && status != (probe.Decision.FindsNothing ? HttpStatusCode.NotFound : HttpStatusCode.OK)
                    ? $"page answered {(int)status} {location}"
                : null;
        }
        var expected = (probe.Decision.Kind, caller == "anonymous") switch
        {
            (Kind.Page, true) => toLogin,
            (Kind.Page, false) => toDenied,
            (Kind.Api, true) => status == HttpStatusCode.Unauthorized,
            (Kind.Api, false) => status == HttpStatusCode.Forbidden,
            _ => false,
        };
        return expected ? null : $"expected refusal as {(probe.Decision.Kind == Kind.Page ? (caller == "anonymous" ? "redirect to sign-in" : "redirect to access denied") : (caller == "anonymous" ? "401" : "403"))}, got {(int)status} {location}";
    }

    public sealed record Answer(HttpStatusCode Status, Uri? Location);

    /// <summary>A host of its own with one signed-in browser and one token per role.</summary>
    public sealed class Host : BlazorMoodWebFactory, IAsyncLifetime
    {
        private readonly Dictionary<string, BrowserSession> _browsers = [];
        private readonly Dictionary<string, HttpClient> _scripts = [];

        public async Task InitializeAsync()
        {
            _browsers["anonymous"] = new BrowserSession(this);
            foreach (var account in new[] { User, Kiosk, Admin })
            {
                var browser = new BrowserSession(this);
                await browser.SignInAsync(account);
                _browsers[account.Role] = browser;
                _scripts[account.Role] = CreateClientFor(account, new() { AllowAutoRedirect = false });
            }
        }

        internal async Task<Answer> SendAsync(string caller, bool useToken, Probe probe)
        {
            var client = useToken ? _scripts[caller] : _browsers[caller].Client;
            using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // Headers only: the SSE stream never ends by itself.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new Answer(response.StatusCode, response.Headers.Location is { } l ? (l.IsAbsoluteUri ? l : new Uri(new Uri("http://localhost"), l)) : null);
        }

        Task IAsyncLifetime.DisposeAsync()
        {
            foreach (var b in _browsers.Values)
            {
                b.Dispose();
            }
            foreach (var s in _scripts.Values)
            {
                s.Dispose();
            }
            return Task.CompletedTask;
        }
    }
}
