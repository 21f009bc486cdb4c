using System.Security.Claims;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using BlazorMood.Accounts;
using BlazorMood.Playback;
using BlazorMood.Music.Context;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Web.Kiosk;

/// <summary>
/// Hooks the kiosk into the Identity sign-in cookie, without replacing what Accounts configured:
/// <list type="bullet">
/// <item>Every request of a Kiosk-role principal (the page, each Blazor circuit connection, each hub connection, each
/// track) checks that its device is not revoked; a revoked device's cookie is rejected and removed.</item>
/// <item>A browser turned away from <c>/kiosk</c> lands on the kiosk's own refusal page, which says why, instead of
/// the sign-in form meant for people.</item>
/// </list>
/// </summary>
internal static class KioskDeviceValidation
{
    private const string RevokedKey = "BlazorMood.Kiosk.Revoked";

    public static IServiceCollection AddKioskDeviceValidation(this IServiceCollection services)
    {
        services.AddSingleton<ISignInCheck, KioskDeviceSignInCheck>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).PostConfigure(cookie =>
        {
            var validate = cookie.Events.OnValidatePrincipal;
            cookie.Events.OnValidatePrincipal = async context =>
            {
                await validate(context);
                await RejectRevokedDeviceAsync(context);
            };
            var redirectToLogin = cookie.Events.OnRedirectToLogin;
            cookie.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments(KioskEndpoints.KioskPath, StringComparison.OrdinalIgnoreCase))
                {
                    var reason = context.HttpContext.Items.ContainsKey(RevokedKey) ? KioskRefusal.Revoked : KioskRefusal.NotSignedIn;
                    context.Response.Redirect(KioskEndpoints.RefusedUrl(reason));
                    return Task.CompletedTask;
                }
                return redirectToLogin(context);
            };
        });
        return services;
    }

    private static async Task RejectRevokedDeviceAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not { } principal || !principal.IsInRole(Roles.Kiosk) || OwnerIdentity.Of(principal) is not { } userId)
        {
            return;
        }
        var devices = context.HttpContext.RequestServices.GetRequiredService<IKioskDevices>();
        if (await devices.CheckInAsync(userId, context.HttpContext.RequestAborted))
        {
            return;
        }
        context.RejectPrincipal();
        context.HttpContext.Items[RevokedKey] = true;
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}

/// <summary>On long-lived connections (hubs, event streams): a kiosk device's sign-in ends when the device is revoked.</summary>
internal sealed class KioskDeviceSignInCheck(IKioskDevices devices) : ISignInCheck
{
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal, string userId, CancellationToken ct) =>
        !principal.IsInRole(Roles.Kiosk) || await devices.CheckInAsync(userId, ct);
}
