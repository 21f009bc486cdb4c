using System.Net.Http.Headers;
using BlazorMood.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests;

/// <summary>A signed-up account of a test host: its id, sign-in and an API token (role as created).</summary>
public sealed record TestAccount(string Id, string Email, string Password, string Role, string Token)
{
    /// <summary>Sends this account's token on every request of <paramref name="client"/>.</summary>
    public HttpClient Authorize(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }
}

/// <summary>
/// Creates accounts in a running test host through the app's own services (Identity's user manager and the token
/// service), so they are exactly what registration and the tokens page would make.
/// </summary>
public static class TestAccounts
{
    /// <summary>Satisfies the default password rules; used for test accounts only.</summary>
    public const string Password = "Test-password-1";

    /// <summary>A new account with <paramref name="role"/>; <paramref name="name"/> becomes part of its email.</summary>
    public static async Task<TestAccount> CreateAsync(IServiceProvider services, string role = Roles.User, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var email = $"{name ?? role.ToLowerInvariant()}-{Guid.NewGuid():n}@tests.invalid";
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        Check(await users.CreateAsync(user, Password));
        Check(await users.AddToRoleAsync(user, role));
        var token = await services.GetRequiredService<IApiTokens>().CreateAsync(user.Id, "tests", null, CancellationToken.None);
        return new TestAccount(user.Id, email, Password, role, token.Token);
    }

    /// <summary>
    /// The account whose id is <paramref name="id"/> (role User), created on first use, with a new token each call.
    /// For tests written around a chosen owner id (the id is what every data store is keyed by).
    /// </summary>
    public static async Task<TestAccount> ForIdAsync(IServiceProvider services, string id)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(id);
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            user = new IdentityUser { Id = id, UserName = $"{id}@tests.invalid", Email = $"{id}@tests.invalid", EmailConfirmed = true };
            Check(await users.CreateAsync(user, Password));
            Check(await users.AddToRoleAsync(user, Roles.User));
        }
        var token = await services.GetRequiredService<IApiTokens>().CreateAsync(user.Id, "tests", null, CancellationToken.None);
        return new TestAccount(user.Id, user.Email!, Password, Roles.User, token.Token);
    }

    /// <summary>The three standard accounts of a test host.</summary>
    public static async Task<(TestAccount User, TestAccount Kiosk, TestAccount Admin)> SeedAsync(IServiceProvider services) =>
        (await CreateAsync(services, Roles.User), await CreateAsync(services, Roles.Kiosk), await CreateAsync(services, Roles.Admin));

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
