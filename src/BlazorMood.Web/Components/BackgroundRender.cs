namespace BlazorMood.Web.Components;

/// <summary>How components re-render for changes that arrive on background threads (notifiers, timers, hub results).</summary>
internal static class BackgroundRender
{
    /// <summary>
    /// Runs <paramref name="render"/> (the component's <c>InvokeAsync(StateHasChanged)</c>). A circuit that has ended
    /// is not an error; any other failure goes to <paramref name="dispatch"/> (<c>DispatchExceptionAsync</c>), so it
    /// reaches the error boundary instead of vanishing on a thread-pool thread.
    /// </summary>
    public static async Task RunAsync(Func<Task> render, Func<Exception, Task> dispatch)
    {
        try
        {
            await render();
        }
        catch (ObjectDisposedException)
        {
            // Rendered after the circuit ended.
        }
        catch (Exception e)
        {
            await dispatch(e);
        }
    }
}
