using System.Text.Encodings.Web;
using BlazorMood.Web.Hosting;
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
public static partial class KioskEndpoints
{
    public const string KioskPath = "/kiosk";
    public const string EnrollPath = "/kiosk/enroll";
    public const string RefusedPath = "/kiosk/refused";
    public const string PairPath = "/kiosk/pair";
    public const string PairStatePath = "/kiosk/pair/state";

    /// <summary>The cookie holding the pairing secret of a screen that shows a code (only this browser can claim it).</summary>
    public const string PairCookie = "bm_kiosk_pair";

    /// <summary>How often the pairing page asks whether an admin entered its code.</summary>
    public const int PairRefreshSeconds = 3;

    public static IEndpointRouteBuilder MapKioskEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(EnrollPath, EnrollAsync).AllowAnonymous().WithName("KioskEnroll").ExcludeFromDescription();
        endpoints.MapGet(PairPath, PairAsync).AllowAnonymous().WithName("KioskPair").ExcludeFromDescription();
        endpoints.MapGet(PairStatePath, PairStateAsync).AllowAnonymous().WithName("KioskPairState").ExcludeFromDescription();
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
        return RefusedUnlessOpenedAsPage(http) ?? await SignInDeviceAsync(token, devices, signIn, options.Value, time, ct);
    }

    /// <summary>
    /// For the two pages that can sign a browser in as a device (the link, the pairing page): never cached, no Referer
    /// (a link carries its token in the address), and refused unless opened as a page in the browser, so an image or a
    /// script of another site cannot sign a visitor in. Null when the request may go on.
    /// </summary>
    private static IResult? RefusedUnlessOpenedAsPage(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return http.Request.Headers["Sec-Fetch-Dest"] is { Count: > 0 } dest && dest.ToString() is not ("document" or "iframe")
            ? RefusedPage(KioskRefusal.Unknown)
            : null;
    }

    /// <summary>
    /// Signs this browser in as the device <paramref name="token"/> belongs to and opens <c>/kiosk</c>, or shows why not:
    /// the end of both the device link and a completed pairing.
    /// </summary>
    private static async Task<IResult> SignInDeviceAsync(string? token, IKioskDevices devices, SignInManager<IdentityUser> signIn,
        KioskOptions options, TimeProvider time, CancellationToken ct)
    {
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
            ExpiresUtc = now + options.DeviceSignInLifetime,
            AllowRefresh = true,
        });
        return Results.Redirect(KioskPath);
    }

    /// <summary>
    /// <c>GET /kiosk/pair</c>, opened on the wall screen: shows a short code an admin enters under Admin → Kiosk devices,
    /// and asks every few seconds (a small inline script polling <c>/kiosk/pair/state</c>; a browser without scripts reloads instead). Once paired it
    /// signs the browser in as the new device, exactly as the device link would, and opens <c>/kiosk</c>.
    /// </summary>
    internal static async Task<IResult> PairAsync(
        HttpContext http,
        KioskPairing pairing,
        IKioskDevices devices,
        SignInManager<IdentityUser> signIn,
        IOptions<KioskOptions> options,
        TimeProvider time,
        ILoggerFactory logger,
        CancellationToken ct)
    {
        if (RefusedUnlessOpenedAsPage(http) is { } refused)
        {
            return refused;
        }
        // Waiting codes may live in Redis (several web nodes): when it cannot be reached the screen says so and tries
        // again by itself, rather than showing an error page.
        try
        {
            var (state, code, token) = await pairing.CheckAsync(http.Request.Cookies[PairCookie]);
            if (state == KioskPairingState.Paired)
            {
                http.Response.Cookies.Delete(PairCookie, new CookieOptions { Path = PairPath });
                return await SignInDeviceAsync(token, devices, signIn, options.Value, time, ct);
            }
            if (state == KioskPairingState.Unknown)
            {
                if (await pairing.BeginAsync(http.Connection.RemoteIpAddress?.ToString()) is not { } started)
                {
                    return PairPage(http, null, StatusCodes.Status429TooManyRequests);
                }
                http.Response.Cookies.Append(PairCookie, started.Secret, new CookieOptions
                {
                    Path = PairPath,
                    HttpOnly = true,
                    Secure = http.Request.IsHttps,
                    SameSite = SameSiteMode.Strict,
                    Expires = started.ExpiresAt,
                    IsEssential = true,
                });
                code = started.Code;
            }
            return PairPage(http, code, StatusCodes.Status200OK);
        }
        catch (Exception e) when (e is not OperationCanceledException && PairingStoreFailed(e))
        {
            LogPairingUnavailable(logger.CreateLogger<KioskPairing>(), e);
            return PairPage(http, null, StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>A failure of the store behind the pairing (Redis unreachable or timing out), not a bug of ours.</summary>
    private static bool PairingStoreFailed(Exception e) =>
        e is StackExchange.Redis.RedisException or TimeoutException or System.Net.Sockets.SocketException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kiosk pairing is unavailable: its store could not be reached")]
    private static partial void LogPairingUnavailable(ILogger logger, Exception exception);

    /// <summary>
    /// <c>GET /kiosk/pair/state</c>: what the waiting pairing page polls, in plain text — <c>waiting</c>, <c>paired</c>
    /// (reload: the page then signs the screen in) or <c>gone</c> (expired or never started: reload for a new code).
    /// Hands nothing over; only the page itself completes the pairing.
    /// </summary>
    internal static async Task<IResult> PairStateAsync(HttpContext http, KioskPairing pairing)
    {
        http.Response.Headers.CacheControl = "no-store";
        KioskPairingState state;
        try
        {
            state = await pairing.PeekAsync(http.Request.Cookies[PairCookie]);
        }
        catch (Exception e) when (PairingStoreFailed(e))
        {
            // The page keeps waiting and asks again; it reloads only on a definite answer.
            return Results.Text("unavailable", "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Text(state switch
        {
            KioskPairingState.Waiting => "waiting",
            KioskPairingState.Paired => "paired",
            _ => "gone",
        }, "text/plain; charset=utf-8");
    }

    private static IResult PairPage(HttpContext http, string? code, int status)
    {
        var html = HtmlEncoder.Default;
        var main = code is null
            ? status == StatusCodes.Status503ServiceUnavailable
                ? """
                  <h1>Pairing is not available right now</h1>
                  <p>The server cannot reach the store that holds pairing codes. This page asks for a code again by itself in a moment.</p>
                  """
                : """
                  <h1>Too many screens are pairing right now</h1>
                  <p>Codes already shown still work. This page asks for a code again by itself in a moment.</p>
                  """
            : $$"""
              <h1>Pair this screen</h1>
              <p>On a phone or laptop signed in as an administrator, open <strong>Admin → Kiosk devices</strong>,
              choose <strong>Pair a screen</strong> and enter this code:</p>
              <div class="code" data-testid="kiosk-pair-code" data-code="{{html.Encode(code)}}">{{html.Encode(KioskPairing.Display(code))}}</div>
              <p class="small">The code works once, for {{(int)KioskPairing.Lifetime.TotalMinutes}} minutes. This screen starts the kiosk by itself once the code is entered.</p>
              """;
        var refresh = code is null ? 15 : PairRefreshSeconds;
        var nonce = SecurityHeaders.NonceOf(http);
        var body = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <noscript><meta http-equiv="refresh" content="{{refresh}}" /></noscript>
            <script nonce="{{nonce}}">
              // Asks every few seconds whether the code was entered and reloads only then (or when the code ran out),
              // instead of reloading the page on a timer; a browser without scripts falls back to the refresh above.
              setInterval(function () {
                fetch('{{PairStatePath}}', { credentials: 'same-origin', cache: 'no-store' })
                  .then(function (r) { return r.ok ? r.text() : 'waiting'; })
                  .then(function (state) { if (state !== 'waiting') { location.reload(); } })
                  .catch(function () { });
              }, {{refresh * 1000}});
            </script>
            <title>Pair this screen · BlazorMood</title>
            <style>
              body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #15131f; color: #f4f1ff;
                     font-family: Roboto, "Segoe UI", Helvetica, Arial, sans-serif; }
              main { max-width: 80vw; text-align: center; }
              h1 { font-size: clamp(32px, 6vh, 96px); margin: 0 0 3vh; }
              p { font-size: clamp(20px, 3.4vh, 52px); line-height: 1.35; opacity: 0.9; }
              .code { font-size: clamp(64px, 16vh, 240px); font-weight: 700; letter-spacing: 0.12em; margin: 4vh 0;
                      font-family: "Roboto Mono", Consolas, monospace; color: #ffd740; }
              .small { font-size: clamp(16px, 2.4vh, 36px); opacity: 0.75; }
            </style>
            </head>
            <body>
            <main data-testid="kiosk-pair">
            {{main}}
            </main>
            </body>
            </html>
            """;
        return Results.Content(body, "text/html; charset=utf-8", statusCode: status);
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
