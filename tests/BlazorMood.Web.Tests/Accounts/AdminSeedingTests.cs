using System.Net;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Accounts;

/// <summary>The first administrator comes from Admin:Email and Admin:Password, and from nowhere else.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class AdminSeedingTests
{
    private const string Email = "first-admin@example.org";
    private const string Password = "First-admin-pass-1";

    private static Dictionary<string, string?> AdminSettings(string? email, string? password) => new()
    {
        ["Admin:Email"] = email,
        ["Admin:Password"] = password,
    };

    private static async Task<IList<IdentityUser>> AdminsAsync(BlazorMoodWebFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().GetUsersInRoleAsync(Roles.Admin);
    }

    private static async Task<IList<string>> RolesAsync(BlazorMoodWebFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().Roles.Select(r => r.Name!).ToList();
    }

    [Fact]
    public async Task Without_configuration_there_is_no_administrator_but_the_roles_exist()
    {
        using var factory = new BlazorMoodWebFactory(null, seedAccounts: false);

        Assert.Empty(await AdminsAsync(factory));
        Assert.Equal(Roles.All.Order(), (await RolesAsync(factory)).Order());
    }

    [Theory]
    [InlineData(Email, null)]
    [InlineData(null, Password)]
    [InlineData(Email, "")]
    public async Task Half_a_configuration_creates_nobody(string? email, string? password)
    {
        using var factory = new BlazorMoodWebFactory(AdminSettings(email, password), seedAccounts: false);

        Assert.Empty(await AdminsAsync(factory));
    }

    [Fact]
    public async Task The_configured_administrator_is_created_signs_in_and_sees_the_admin_link()
    {
        using var factory = new BlazorMoodWebFactory(AdminSettings(Email, Password), seedAccounts: false);

        var admin = Assert.Single(await AdminsAsync(factory));
        Assert.Equal(Email, admin.Email);
        using var browser = new BrowserSession(factory);
        var signedIn = await browser.SignInAsync(Email, Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var home = await (await browser.Client.GetAsync("/")).Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"nav-admin\"", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_password_in_the_environment_replaces_the_old_one_at_the_next_start()
    {
        string database;
        using (var first = new BlazorMoodWebFactory(AdminSettings(Email, Password), seedAccounts: false))
        {
            Assert.Single(await AdminsAsync(first));
            database = first.DatabasePath;
        }
        using var second = new BlazorMoodWebFactory(AdminSettings(Email, "Changed-admin-pass-2"), database, seedAccounts: false);

        await using var scope = second.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var admin = Assert.Single(await users.GetUsersInRoleAsync(Roles.Admin));
        Assert.False(await users.CheckPasswordAsync(admin, Password));
        Assert.True(await users.CheckPasswordAsync(admin, "Changed-admin-pass-2"));
    }

    [Fact]
    public void A_password_that_breaks_the_rules_stops_the_app_with_the_reason()
    {
        using var factory = new BlazorMoodWebFactory(AdminSettings(Email, "weak"), seedAccounts: false);

        var e = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains("Admin:Password", e.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>With <c>Accounts:AllowRegistration</c> off, the form is gone and a forged post creates nobody.</summary>
[Trait("Category", "Integration")]
[Trait("Category", "WebHost")]
public sealed class ClosedRegistrationTests
{
    [Fact]
    public async Task Registration_closed_shows_a_notice_and_creates_nobody()
    {
        using var factory = new BlazorMoodWebFactory(new Dictionary<string, string?> { ["Accounts:AllowRegistration"] = "false" });
        using var browser = new BrowserSession(factory);

        var page = await (await browser.Client.GetAsync("/account/register")).Content.ReadAsStringAsync();
        var login = await (await browser.Client.GetAsync("/account/login")).Content.ReadAsStringAsync();
        // A post as if the form were there (the antiforgery token of the sign-in form is valid for this browser).
        var token = System.Text.RegularExpressions.Regex.Match(login, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "register",
            ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token),
            ["Input.Email"] = "sneaky@example.org",
            ["Input.Password"] = TestAccounts.Password,
            ["Input.ConfirmPassword"] = TestAccounts.Password,
        });
        var response = await browser.Client.PostAsync("/account/register", forged);

        Assert.Contains("data-testid=\"registration-closed\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"register-link\"", login, StringComparison.Ordinal);
        Assert.NotEqual(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync("sneaky@example.org"));
    }
}
