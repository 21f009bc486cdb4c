namespace BlazorMood.Web.Accounts;

/// <summary>The three roles of the app. A user has one of them; self-registered users get <see cref="User"/>.</summary>
public static class Roles
{
    /// <summary>Curates the music library, and can do everything a <see cref="User"/> can.</summary>
    public const string Admin = "Admin";

    /// <summary>A person with their own history, uploads, feedback and API tokens.</summary>
    public const string User = "User";

    /// <summary>A shared screen (a lobby, a gym): live emotion and music only; no uploads, no history, no tokens.</summary>
    public const string Kiosk = "Kiosk";

    public static IReadOnlyList<string> All { get; } = [Admin, User, Kiosk];
}

/// <summary>
/// Authorization policy names. Every page and endpoint names one of these (or allows anonymous callers explicitly);
/// the fallback policy, for anything that forgets, only requires a signed-in caller.
/// </summary>
public static class Policies
{
    /// <summary>Role <see cref="Roles.Admin"/>: library curation.</summary>
    public const string Admin = "Admin";

    /// <summary>Roles <see cref="Roles.User"/> or <see cref="Roles.Admin"/>: personal features (uploads, history, tokens).</summary>
    public const string User = "User";

    /// <summary>Any role (<see cref="Roles.Kiosk"/>, <see cref="Roles.User"/>, <see cref="Roles.Admin"/>): the live view and the music.</summary>
    public const string Kiosk = "Kiosk";
}
