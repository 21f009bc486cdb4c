namespace BlazorMood.Web.Components.Pages.Account;

public sealed partial class Register
{
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "New account {Email} (role User)")]
        public static partial void Registered(ILogger logger, string email);

        [LoggerMessage(Level = LogLevel.Information, Message = "Registration with an address that has an account; answered as for a new one")]
        public static partial void AddressTaken(ILogger logger);
    }
}
