using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorMood.Web.Accounts;

/// <summary>
/// At start: makes sure the roles exist, and when <c>Admin:Email</c> and <c>Admin:Password</c> are both set, that this
/// account exists, has that password, is unlocked and is an administrator. Runs after the database is migrated
/// (the data layer's initializer is registered first). Without the settings it only says how to create one.
/// </summary>
public sealed partial class AccountSeeder(IServiceScopeFactory scopes, IOptions<AdminOptions> admin, ILogger<AccountSeeder> logger) : IHostedService
{
    // Passes over the seed when another node wrote the same rows in between (each pass finds more of them done).
    private const int MaxPasses = 5;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Several nodes on one database start together (compose starts web and worker nodes at once): they race to
        // create the same roles, account and role membership, and the loser of a race hits a unique index (or
        // Identity's concurrency stamp). Everything here is "make sure it exists", so a new pass, in a new scope that
        // sees the winner's rows, finishes the job.
        for (var pass = 1; ; pass++)
        {
            try
            {
                await SeedAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (pass < MaxPasses && e is DbUpdateException or InvalidOperationException)
            {
                LogRaced(logger, e, pass);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * pass * (1 + Random.Shared.NextDouble())), cancellationToken);
            }
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"creating the role {role}");
            }
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var o = admin.Value;
        if (o.IsConfigured)
        {
            await EnsureAdminAsync(users, o.Email!.Trim(), o.Password!);
        }
        else if (!string.IsNullOrWhiteSpace(o.Email) || !string.IsNullOrEmpty(o.Password))
        {
            LogHalfConfigured(logger);
        }
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count == 0)
        {
            LogNoAdmin(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAdminAsync(UserManager<IdentityUser> users, string email, string password)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            Check(await users.CreateAsync(user, password), "creating the administrator from Admin:Email/Admin:Password");
            LogCreated(logger, email);
        }
        else if (!await users.CheckPasswordAsync(user, password))
        {
            // The configuration is the source of truth for this account: a changed Admin__Password takes effect.
            var reset = await users.GeneratePasswordResetTokenAsync(user);
            Check(await users.ResetPasswordAsync(user, reset, password), "setting the administrator's password from Admin:Password");
            LogPasswordReset(logger, email);
        }
        if (await users.IsLockedOutAsync(user))
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }
        if (!await users.IsInRoleAsync(user, Roles.Admin))
        {
            Check(await users.AddToRoleAsync(user, Roles.Admin), "making the configured account an administrator");
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Accounts: {what} failed: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeding roles and the administrator collided with another node (pass {Pass}); trying again")]
    private static partial void LogRaced(ILogger logger, Exception exception, int pass);

    [LoggerMessage(Level = LogLevel.Information, Message = "Administrator {Email} created from configuration")]
    private static partial void LogCreated(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Information, Message = "Administrator {Email}: password set from configuration")]
    private static partial void LogPasswordReset(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin:Email and Admin:Password must both be set to create the administrator; only one is")]
    private static partial void LogHalfConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No administrator account yet. Start once with the environment variables Admin__Email and Admin__Password set (see README, First admin)")]
    private static partial void LogNoAdmin(ILogger logger);
}
