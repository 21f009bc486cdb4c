using System.Net;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Accounts;

/// <summary>Registration, sign-in, lockout and sign-out over HTTP with a real cookie container and the real forms.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class IdentityFlowTests(BlazorMoodWebFactory factory) : IClassFixture<BlazorMoodWebFactory>
{
    private static string NewEmail(string what) => $"{what}-{Guid.NewGuid():n}@example.org";

    /// <summary>Where a redirect goes on this site (the app writes absolute URLs of its own host).</summary>
    private static string Target(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        Assert.NotNull(location);
        if (!location.IsAbsoluteUri)
        {
            return location.OriginalString;
        }
        Assert.Equal("localhost", location.Host);
        return location.PathAndQuery;
    }

    private async Task<T> WithUsersAsync<T>(Func<UserManager<IdentityUser>, Task<T>> use)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>());
    }

    [Fact]
    public async Task Register_then_sign_out_then_sign_in_again()
    {
        using var browser = new BrowserSession(factory);
        var email = NewEmail("flow");

        // Registration answers with the sign-in page (the same answer for a taken address), and the new user signs in.
        var registered = await browser.RegisterAsync(email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        Assert.Equal("/account/login?registered=true&ReturnUrl=%2F", Target(registered));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email, TestAccounts.Password, Target(registered))).StatusCode);
        var home = await browser.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(email, await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The cookie works for the APIs too, and the new account is a User.
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/api/recommend")).StatusCode);
        Assert.True(await WithUsersAsync(async users => await users.IsInRoleAsync((await users.FindByEmailAsync(email))!, Roles.User)));

        var signedOut = await browser.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/account/login", Target(signedOut), StringComparison.Ordinal);
        var afterSignOut = await browser.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, afterSignOut.StatusCode);
        Assert.Equal("/account/login?ReturnUrl=%2F", Target(afterSignOut));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Client.GetAsync("/api/recommend")).StatusCode);

        // Signing in from a protected page's redirect goes back there.
        var signedIn = await browser.SubmitAsync("/account/login?ReturnUrl=%2Fhistory", "login",
            new Dictionary<string, string> { ["login-email"] = email, ["login-password"] = TestAccounts.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/history", Target(signedIn));
        Assert.Equal(HttpStatusCode.OK, (await browser.Client.GetAsync("/history")).StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var account = await factory.CreateAccountAsync(name: "lockout");
        using var browser = new BrowserSession(factory);

        for (var i = 1; i <= 5; i++)
        {
            var wrong = await browser.SignInAsync(account.Email, "Wrong-password-" + i);
            Assert.NotEqual(HttpStatusCode.Redirect, wrong.StatusCode);
            var page = await wrong.Content.ReadAsStringAsync();
            if (i < 5)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
                Assert.Contains("Wrong email or password", page, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("Wrong-password-", page, StringComparison.Ordinal); // the password is never echoed back
        }
        var right = await browser.SignInAsync(account.Email, account.Password);

        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Contains("locked for up to 15 minutes", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/")).StatusCode);
        Assert.True(await WithUsersAsync(async users => await users.IsLockedOutAsync((await users.FindByIdAsync(account.Id))!)));
        // A locked account's API tokens stop working too.
        using var script = factory.CreateClientFor(account);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/recommend")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_email_gets_the_same_answer_as_a_wrong_password()
    {
        using var browser = new BrowserSession(factory);

        var unknown = await browser.SignInAsync(NewEmail("nobody"), TestAccounts.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("Wrong email or password", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        var account = await factory.CreateAccountAsync(name: "csrf");
        using var browser = new BrowserSession(factory);

        var forged = await browser.SubmitAsync("/account/login", "login",
            new Dictionary<string, string> { ["login-email"] = account.Email, ["login-password"] = account.Password }, withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Registration_enforces_the_password_rules_and_unique_emails()
    {
        using var browser = new BrowserSession(factory);
        var email = NewEmail("rules");

        var weak = await browser.RegisterAsync(email, "short1A");
        var noDigit = await browser.RegisterAsync(email, "NoDigitsHereAtAll");
        var mismatch = await browser.RegisterAsync(email, TestAccounts.Password, "Another-password-2");
        var first = await browser.RegisterAsync(email, TestAccounts.Password);
        using var other = new BrowserSession(factory);
        var again = await other.RegisterAsync(email, TestAccounts.Password);

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("at least 10 characters", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noDigit.StatusCode);
        Assert.Contains("digit", await noDigit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("The two passwords differ.", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        // A taken address gets exactly the answer a new one got: nothing tells that the account exists.
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.DoesNotContain("exists", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await WithUsersAsync(users => Task.FromResult(users.Users.Count(u => u.Email == email))));
    }

    [Theory]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task A_foreign_return_url_is_never_followed(string returnUrl)
    {
        var account = await factory.CreateAccountAsync(name: "redirect");
        using var browser = new BrowserSession(factory);

        var response = await browser.SubmitAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), "login",
            new Dictionary<string, string> { ["login-email"] = account.Email, ["login-password"] = account.Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", Target(response));
    }

    [Fact]
    public async Task The_sign_in_page_and_its_assets_need_no_account_and_the_health_check_answers()
    {
        using var anonymous = factory.CreateAnonymousClient(new() { AllowAutoRedirect = false });

        var login = await anonymous.GetAsync("/account/login");
        var html = await login.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("data-testid=\"login-email\"", html, StringComparison.Ordinal);
        // Rendered statically: no interactive circuit is started for it.
        Assert.DoesNotContain("<!--Blazor:{\"type\":\"server\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/account/register")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        foreach (var asset in new[] { "/_framework/blazor.web.js", "/_content/MudBlazor/MudBlazor.min.css", "/css/app.css", "/BlazorMood.Web.styles.css" })
        {
            Assert.True((await anonymous.GetAsync(asset)).StatusCode == HttpStatusCode.OK, asset);
        }
    }
}
