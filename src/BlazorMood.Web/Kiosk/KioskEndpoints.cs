using System.Text.Encodings.Web;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Web.Kiosk;

/// <summary>Why a screen is turned away from the kiosk.</summary>
public enum KioskRefusal
{
    /// <summary>The link is malformed or belongs to no device.</summary>
    Unknown,

    /// <summary>An admin revoked the device.</summary>
    Revoked,

    /// <summary>The browser is not signed in at all (never enrolled, or its sign-in ran out).</summary>
    NotSignedIn,
}

/// <summary>
/// <c>GET /kiosk/enroll?token=…</c> (the device link: signs the browser in as the device with a long-lived cookie and
/// opens <c>/kiosk</c>) and <c>GET /kiosk/refused</c> (a plain page that says why a screen is turned away). Both are
/// open to anonymous callers; neither needs Blazor, so they work on a screen whose circuit cannot start.
/// </summary>
public static class KioskEndpoints
{
    public const string KioskPath = "/kiosk";
    public const string EnrollPath = "/kiosk/enroll";
    public const string RefusedPath = "/kiosk/refused";

    public static IEndpointRouteBuilder MapKioskEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(EnrollPath, EnrollAsync).AllowAnonymous().WithName("KioskEnroll").ExcludeFromDescription();
        endpoints.MapGet(RefusedPath, (string? reason) => RefusedPage(Parse(reason))).AllowAnonymous().WithName("KioskRefused").ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>Where a refused request goes (the reason travels in the query; nothing secret is in it).</summary>
    public static string RefusedUrl(KioskRefusal reason) => $"{RefusedPath}?reason={Name(reason)}";

    internal static async Task<IResult> EnrollAsync(
        HttpContext http,
        string? token,
        IKioskDevices devices,
        SignInManager<IdentityUser> signIn,
        IOptions<KioskOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        // The token is in the address: keep it out of caches and of the Referer of anything the next page loads.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        // Only a page opened in the browser enrols it; an image or a script of another site cannot sign a visitor in.
        if (http.Request.Headers["Sec-Fetch-Dest"] is { Count: > 0 } dest && dest.ToString() is not ("document" or "iframe"))
        {
            return RefusedPage(KioskRefusal.Unknown);
        }
        var enrollment = await devices.EnrollAsync(token, ct);
        if (enrollment.Status != KioskEnrollmentStatus.Accepted)
        {
            return RefusedPage(enrollment.Status == KioskEnrollmentStatus.Revoked ? KioskRefusal.Revoked : KioskRefusal.Unknown);
        }
        var now = time.GetUtcNow();
        await signIn.SignInAsync(enrollment.User!, new AuthenticationProperties
        {
            IsPersistent = true,
            IssuedUtc = now,
            ExpiresUtc = now + options.Value.DeviceSignInLifetime,
            AllowRefresh = true,
        });
        return Results.Redirect(KioskPath);
    }

    /// <summary>A self-contained page (no scripts, no app chrome) in type large enough to read across a room.</summary>
    internal static IResult RefusedPage(KioskRefusal reason)
    {
        var (title, text) = reason switch
        {
            KioskRefusal.Revoked => ("This kiosk link was revoked",
                "An administrator revoked this screen. To use it again, create a new kiosk link under Admin → Kiosk devices and open it on this screen."),
            KioskRefusal.NotSignedIn => ("This screen is not signed in as a kiosk",
                "Open the kiosk link an administrator created for this screen (Admin → Kiosk devices)."),
            _ => ("This kiosk link is not valid",
                "The link is incomplete or mistyped, or its device no longer exists. Ask an administrator for the link from Admin → Kiosk devices."),
        };
        var html = HtmlEncoder.Default;
        var body = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <title>{{html.Encode(title)}} · BlazorMood</title>
            <style>
              body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #15131f; color: #f4f1ff;
                     font-family: Roboto, "Segoe UI", Helvetica, Arial, sans-serif; }
              main { max-width: 70vw; text-align: center; }
              h1 { font-size: clamp(32px, 6vh, 96px); margin: 0 0 3vh; }
              p { font-size: clamp(20px, 3.4vh, 52px); line-height: 1.35; opacity: 0.9; }
              a { color: #b388ff; }
            </style>
            </head>
            <body>
            <main data-testid="kiosk-refused" data-reason="{{Name(reason)}}">
              <h1>{{html.Encode(title)}}</h1>
              <p>{{html.Encode(text)}}</p>
              <p><a href="{{AccountEndpoints.LoginPath}}?ReturnUrl={{Uri.EscapeDataString(KioskPath)}}">Sign in with an account instead</a></p>
            </main>
            </body>
            </html>
            """;
        return Results.Content(body, "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }

    private static string Name(KioskRefusal reason) => reason switch
    {
        KioskRefusal.Revoked => "revoked",
        KioskRefusal.NotSignedIn => "signin",
        _ => "unknown",
    };

    private static KioskRefusal Parse(string? reason) => reason switch
    {
        "revoked" => KioskRefusal.Revoked,
        "signin" => KioskRefusal.NotSignedIn,
        _ => KioskRefusal.Unknown,
    };
}
