using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Web.Accounts;

/// <summary>Sign-in rules, bound from the <c>Accounts</c> section and handed to ASP.NET Core Identity.</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>Anyone may create an account (role User) on the register page; off, only existing accounts sign in.</summary>
    public bool AllowRegistration { get; set; } = true;

    public PasswordRules Password { get; set; } = new();

    public LockoutRules Lockout { get; set; } = new();

    /// <summary>How long a browser stays signed in without a visit (sliding).</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often an open page re-checks that its account still exists and still has its roles.</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often an open SSE stream or hub connection re-checks its sign-in (token, device, account, security stamp);
    /// a revocation on this node is seen at once, one on another node within this.
    /// </summary>
    public TimeSpan ConnectionRevalidationInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most API tokens one user may hold at a time.</summary>
    [Range(1, 1000)]
    public int MaxApiTokensPerUser { get; set; } = 20;

    /// <summary>Problems with the nested settings (data annotations do not look inside them); empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (Password.RequiredLength is < 6 or > 128)
        {
            yield return "Accounts:Password:RequiredLength must be between 6 and 128.";
        }
        if (Password.RequiredUniqueChars < 1 || Password.RequiredUniqueChars > Password.RequiredLength)
        {
            yield return "Accounts:Password:RequiredUniqueChars must be between 1 and RequiredLength.";
        }
        if (Lockout.MaxFailedAttempts is < 1 or > 100)
        {
            yield return "Accounts:Lockout:MaxFailedAttempts must be between 1 and 100.";
        }
        if (Lockout.Duration <= TimeSpan.Zero || Lockout.Duration > TimeSpan.FromDays(1))
        {
            yield return "Accounts:Lockout:Duration must be above zero and at most a day.";
        }
        if (CookieLifetime < TimeSpan.FromMinutes(5) || CookieLifetime > TimeSpan.FromDays(365))
        {
            yield return "Accounts:CookieLifetime must be between 5 minutes and 365 days.";
        }
        if (RevalidationInterval < TimeSpan.FromSeconds(10) || RevalidationInterval > TimeSpan.FromDays(1))
        {
            yield return "Accounts:RevalidationInterval must be between 10 seconds and a day.";
        }
        if (ConnectionRevalidationInterval < TimeSpan.FromMilliseconds(100) || ConnectionRevalidationInterval > TimeSpan.FromMinutes(10))
        {
            yield return "Accounts:ConnectionRevalidationInterval must be between 100 ms and 10 minutes.";
        }
    }
}

/// <summary>What a password must contain (Identity's <c>PasswordOptions</c>).</summary>
public sealed class PasswordRules
{
    public int RequiredLength { get; set; } = 10;

    public int RequiredUniqueChars { get; set; } = 4;

    public bool RequireDigit { get; set; } = true;

    public bool RequireLowercase { get; set; } = true;

    public bool RequireUppercase { get; set; } = true;

    public bool RequireNonAlphanumeric { get; set; }
}

/// <summary>Lockout after repeated wrong passwords (Identity's <c>LockoutOptions</c>).</summary>
public sealed class LockoutRules
{
    /// <summary>Wrong passwords in a row that lock the account.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// The first administrator, bound from the <c>Admin</c> section (in practice the environment: <c>Admin__Email</c>,
/// <c>Admin__Password</c>). When both are set, the account is created at start, or its password and role restored.
/// There is no default password: with neither set, no administrator is created.
/// </summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? Email { get; set; }

    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Email) && !string.IsNullOrEmpty(Password);

    /// <summary>Blank is "not set"; anything else must look like an email address.</summary>
    public bool HasValidEmail => string.IsNullOrWhiteSpace(Email) || new EmailAddressAttribute().IsValid(Email.Trim());
}
