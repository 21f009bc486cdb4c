namespace BlazorMood.Accounts;

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
