using Microsoft.JSInterop;

namespace BlazorMood.Web.Components.Pages.Home.Live;

/// <summary>
/// Plain words, with a way forward, for why the live view could not start. The browser module throws
/// <c>camera-problem:&lt;kind&gt;</c>; anything else (a script failure) gets a general message, never its stack.
/// </summary>
public static class CameraProblem
{
    private const string Prefix = "camera-problem:";

    public static string Describe(JSException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Describe(error.Message);
    }

    public static string Describe(string message)
    {
        var at = message.IndexOf(Prefix, StringComparison.Ordinal);
        var kind = at < 0 ? "" : new string(message.AsSpan(at + Prefix.Length).ToArray().TakeWhile(char.IsAsciiLetter).ToArray());
        return kind switch
        {
            "denied" => "The browser is not letting this page use the camera. Allow the camera for this site (the camera " +
                        "icon in the address bar, or the browser's site settings), then switch the camera on again.",
            "missing" => "No camera was found. Plug one in and switch the camera on again, or upload a video instead.",
            "busy" => "The camera is in use by another program or could not start. Close the other program (a video call, " +
                      "another tab), then switch the camera on again.",
            "insecure" => "The camera works only on a secure address (https, or localhost on this computer). Open the " +
                          "dashboard through https.",
            "server" => "The server cannot be reached. Check the network connection, then switch the camera on again; " +
                        "reloading the page also helps.",
            _ => "The camera could not start. Reload the page and switch the camera on again; if it keeps failing, try " +
                 "another browser.",
        };
    }
}
