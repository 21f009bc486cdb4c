using System.Diagnostics;
using System.Net.Http.Headers;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Tests.E2E;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BlazorMood.Web.Tests.Security;

/// <summary>
/// Issue 15, finding 8: security headers on every response (pages, APIs, media, static files, errors, the kiosk's
/// refusal page), and a browser check that the app's own pages run under the Content-Security-Policy without a
/// single violation (a policy the app breaks would be switched off by the first person it bothers).
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
[Trait("Category", "Browser")]
[Collection(SecurityCollection.Name)]
public sealed class SecurityHeaderTests(SecurityServerFixture server, ITestOutputHelper output)
{
    public static TheoryData<string, bool> Responses => new()
    {
        { "account/login", false },
        { "account/register", false },
        { "kiosk/refused?reason=revoked", false },
        { "kiosk/enroll?token=bmk_nonsense", false },
        { "healthz", false },
        { "favicon.svg", false },
        { "js/app-start.js", false },
        { "_framework/blazor.web.js", false },
        { "no/such/file.txt", false },
        { "", false },
        { "api/recommend", false },
        { "api/recommend", true },
        { "api/emotions/recent", true },
        { "api/tracks/zz0000000000000000", true },
        { "api/admin/library", true },
        { "hubs/emotion/negotiate?negotiateVersion=1", true },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_security_headers(string path, bool withToken)
    {
        var admin = withToken ? await server.CreateAccountAsync(Roles.Admin) : null;
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        if (admin is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Token);
        }
        var method = path.StartsWith("hubs/", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;

        using var response = await client.SendAsync(new HttpRequestMessage(method, path));

        AssertHeaders(response, path);
    }

    [Fact]
    public async Task A_track_and_its_range_requests_carry_the_security_headers()
    {
        var account = await server.CreateAccountAsync();
        using var client = server.ClientFor(account);
        using var recommend = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("api/recommend"));
        var url = recommend.RootElement.GetProperty("tracks")[0].GetProperty("url").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Get, url.TrimStart('/'));
        request.Headers.Range = new RangeHeaderValue(0, 99);

        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.PartialContent, response.StatusCode);
        AssertHeaders(response, url);
    }

    private static void AssertHeaders(HttpResponseMessage response, string path)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
            : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
            : throw new Xunit.Sdk.XunitException($"{path} ({(int)response.StatusCode}) has no {name} header");

        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        var csp = Header("Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_page_loads_in_chromium_without_a_content_security_policy_violation()
    {
        var admin = await server.CreateAccountAsync(Roles.Admin);
        await using var browser = await ChromiumSession.LaunchAsync(PatternCamera(), output);
        var violations = new List<string>();
        browser.Page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.Text.Contains("Content-Security-Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"{browser.Page.Url}: {m.Text}");
            }
        };
        // Collected in the page too: the securitypolicyviolation event names the directive and the blocked thing.
        await browser.Browser.AddInitScriptAsync(
            "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");

        var circuits = 0;
        browser.Page.WebSocket += (_, socket) =>
        {
            if (socket.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref circuits);
            }
        };

        async Task Visit(string path, bool interactive)
        {
            var circuitsBefore = Volatile.Read(ref circuits);
            await browser.Page.GotoAsync(new Uri(server.BaseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
            if (interactive)
            {
                // The circuit's WebSocket opened: blazor.web.js, MudBlazor and the app's modules ran under the policy.
                var up = Stopwatch.StartNew();
                while (Volatile.Read(ref circuits) == circuitsBefore)
                {
                    Assert.True(up.Elapsed < TimeSpan.FromSeconds(20), $"{path}: the circuit did not start");
                    await Task.Delay(200);
                }
            }
            await browser.Page.WaitForTimeoutAsync(500);
            var seen = await browser.Page.EvaluateAsync<string[]>("window.__csp ?? []");
            violations.AddRange(seen.Select(v => $"{path}: {v}"));
        }

        await Visit("account/login", interactive: false);
        await Visit("account/register", interactive: false);
        await Visit("kiosk/refused?reason=revoked", interactive: false);
        await browser.SignInAsync(server.BaseAddress, admin);
        foreach (var page in new[] { "", "history", "account/tokens", "admin", "admin/kiosks" })
        {
            await Visit(page, interactive: true);
        }

        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations.Distinct()));
    }

    /// <summary>A moving test pattern as the fake webcam (y4m made by ffmpeg here: no third-party media).</summary>
    private static string PatternCamera()
    {
        var path = Path.Combine(Path.GetTempPath(), "blazormood-tests", "csp-camera.y4m");
        if (File.Exists(path))
        {
            return path;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("n") + ".y4m";
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var a in new[] { "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2", "-pix_fmt", "yuv420p", temp })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "ffmpeg: " + error);
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
