namespace BlazorMood.Web.Accounts;

/// <summary>
/// Authorization policy names. Every page and endpoint names one of these (or allows anonymous callers explicitly);
/// the fallback policy, for anything that forgets, only requires a signed-in caller.
/// </summary>
public static class Policies
{
    /// <summary>Role <see cref="BlazorMood.Accounts.Roles.Admin"/>: library curation.</summary>
    public const string Admin = "Admin";

    /// <summary>Roles <see cref="Roles.User"/> or <see cref="Roles.Admin"/>: personal features (uploads, history, tokens).</summary>
    public const string User = "User";

    /// <summary>Any role (<see cref="Roles.Kiosk"/>, <see cref="Roles.User"/>, <see cref="Roles.Admin"/>): the live view and the music.</summary>
    public const string Kiosk = "Kiosk";
}
