using Microsoft.JSInterop;

namespace BlazorMood.Web.Components;

/// <summary>How components that own a JS module and an object created from it let both go.</summary>
internal static class JsClientDisposal
{
    /// <summary>
    /// Calls the object's own <c>dispose()</c> (it stops the camera or the audio), then releases the object and
    /// its module. A browser that has already gone is not an error: whatever the page held stopped with it.
    /// </summary>
    public static async ValueTask DisposeAsync(IJSObjectReference? client, IJSObjectReference? module)
    {
        try
        {
            if (client is not null)
            {
                await client.InvokeVoidAsync("dispose");
                await client.DisposeAsync();
            }
            if (module is not null)
            {
                await module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
        }
    }
}
