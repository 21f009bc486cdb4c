using BlazorMood.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Accounts;

/// <summary>
/// Accounts: ASP.NET Core Identity on the app's SQLite context, cookie sign-in for browsers (pages, the Blazor circuit,
/// SignalR hubs), per-user API tokens for scripts, the role policies, and a fallback policy that turns away anonymous
/// callers everywhere that did not explicitly allow them.
/// </summary>
public static class AccountServiceCollectionExtensions
{
    /// <summary>Picks the bearer-token scheme for requests that carry a token and the Identity cookie for all others.</summary>
    public const string SmartScheme = "BlazorMood";

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Identity's tables live in the app's database.
        services.AddData(configuration);
        services.AddOptions<AccountOptions>()
            .BindConfiguration(AccountOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), "Accounts: invalid settings (see AccountOptions.Problems).")
            .ValidateOnStart();
        services.AddOptions<AdminOptions>()
            .BindConfiguration(AdminOptions.SectionName)
            .Validate(o => o.HasValidEmail, "Admin:Email is not an email address.")
            .ValidateOnStart();

        services.AddIdentityCore<IdentityUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<BlazorMoodDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IOptions<AccountOptions>>((identity, accounts) =>
        {
            var a = accounts.Value;
            identity.Password.RequiredLength = a.Password.RequiredLength;
            identity.Password.RequiredUniqueChars = a.Password.RequiredUniqueChars;
            identity.Password.RequireDigit = a.Password.RequireDigit;
            identity.Password.RequireLowercase = a.Password.RequireLowercase;
            identity.Password.RequireUppercase = a.Password.RequireUppercase;
            identity.Password.RequireNonAlphanumeric = a.Password.RequireNonAlphanumeric;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = a.Lockout.MaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = a.Lockout.Duration;
        });
        // Identity's stores take a scoped BlazorMoodDbContext; the app registers a factory, so hand out one per scope.
        services.TryAddScoped(sp => sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<BlazorMoodDbContext>>().CreateDbContext());

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
                o.DefaultForbidScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or API token", o =>
                o.ForwardDefaultSelector = http => ApiTokenAuthenticationHandler.CarriesToken(http)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<ApiTokenAuthenticationOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, _ => { })
            .AddIdentityCookies();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<AccountOptions>>((cookie, accounts) =>
            {
                cookie.LoginPath = AccountEndpoints.LoginPath;
                cookie.LogoutPath = AccountEndpoints.LogoutPath;
                cookie.AccessDeniedPath = AccountEndpoints.AccessDeniedPath;
                cookie.ExpireTimeSpan = accounts.Value.CookieLifetime;
                cookie.SlidingExpiration = true;
                cookie.Cookie.Name = "bm_auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // Scripts and hubs get status codes, people get pages.
                cookie.Events.OnRedirectToLogin = context => AccountEndpoints.ChallengeAsync(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => AccountEndpoints.ChallengeAsync(context, StatusCodes.Status403Forbidden);
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.User, p => p.RequireAuthenticatedUser().RequireRole(Roles.User, Roles.Admin))
            .AddPolicy(Policies.Kiosk, p => p.RequireAuthenticatedUser().RequireRole(Roles.Kiosk, Roles.User, Roles.Admin))
            // Anything that names no policy and does not allow anonymous callers still needs a signed-in user.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddSingleton<IApiTokens, ApiTokenService>();
        // Open SSE streams and hub connections re-check their sign-in, at once when a token or device is revoked here.
        services.AddSingleton<CredentialChanges>();
        services.AddSingleton<SignInRevalidator>();
        // Sign-in with an unknown email takes as long as with a known one.
        services.AddSingleton<UnknownAccountDelay>();
        services.AddMemoryCache();
        services.AddHostedService<AccountSeeder>();
        return services;
    }

    /// <summary>Authentication, then authorization (after routing, so endpoint policies are known).</summary>
    public static IApplicationBuilder UseAccounts(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
