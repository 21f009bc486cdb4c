using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Hosting;

/// <summary>Security headers sent with every response, bound from the <c>SecurityHeaders</c> section.</summary>
public sealed class SecurityHeadersOptions
{
    public const string SectionName = "SecurityHeaders";

    /// <summary>
    /// Content-Security-Policy; <c>{nonce}</c> becomes the request's script nonce (the inline import map of the pages
    /// carries it). Styles allow 'unsafe-inline' because Blazor and MudBlazor set style attributes; scripts do not.
    /// </summary>
    public string ContentSecurityPolicy { get; set; } =
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        + "form-action 'self'; frame-ancestors 'none'";

    public string ReferrerPolicy { get; set; } = "no-referrer";

    /// <summary>The camera for this site's own pages only; nothing else a page could ask for.</summary>
    public string PermissionsPolicy { get; set; } = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()";
}

/// <summary>
/// Adds <c>Content-Security-Policy</c> (with a fresh script nonce per request), <c>X-Content-Type-Options: nosniff</c>,
/// <c>X-Frame-Options: DENY</c>, <c>Referrer-Policy</c> and <c>Permissions-Policy</c> to every response — pages, APIs,
/// media, static files, error pages and the kiosk's refusal page alike — so none of them can be framed (clickjacking),
/// sniffed into another type (an uploaded file served as HTML) or run a script the app did not ship. The referrer is
/// never sent: kiosk enrolment links carry their token in the query.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "BlazorMood.CspNonce";

    /// <summary>This request's script nonce (for the inline import map); empty outside a request.</summary>
    public static string NonceOf(HttpContext? http) =>
        http?.Items.TryGetValue(NonceKey, out var value) == true && value is string nonce ? nonce : "";

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services)
    {
        services.AddOptions<SecurityHeadersOptions>()
            .BindConfiguration(SecurityHeadersOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ContentSecurityPolicy) && o.ContentSecurityPolicy.Contains("frame-ancestors", StringComparison.Ordinal),
                "SecurityHeaders:ContentSecurityPolicy must be set and contain frame-ancestors.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>First in the pipeline, so every response (also one ended early with 503 or 429) gets the headers.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<SecurityHeadersOptions>>().Value;
        return app.Use((http, next) =>
        {
            // Hex: valid in a CSP nonce and never HTML-encoded in the attribute.
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            http.Items[NonceKey] = nonce;
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = options.ContentSecurityPolicy.Replace("{nonce}", nonce, StringComparison.Ordinal);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = options.ReferrerPolicy;
                headers["Permissions-Policy"] = options.PermissionsPolicy;
                return Task.CompletedTask;
            });
            return next(http);
        });
    }
}
