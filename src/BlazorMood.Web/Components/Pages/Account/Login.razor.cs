namespace BlazorMood.Web.Components.Pages.Account;

public sealed partial class Login
{
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "{Email} signed in")]
        public static partial void SignedIn(ILogger logger, string email);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused: {Email} is locked out")]
        public static partial void LockedOut(ILogger logger, string email);

        [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in failed for {Email}")]
        public static partial void Failed(ILogger logger, string email);
    }
}
