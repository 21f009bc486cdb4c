using Microsoft.AspNetCore.SignalR;

namespace BlazorMood.Web.Accounts;

/// <summary>
/// Ends a hub connection whose sign-in stops holding (token or kiosk device revoked, account deleted or locked,
/// security stamp changed): the connection is watched from its start, aborted the moment the check fails, and any
/// call still arriving on it is refused. Without this a connection authenticated once would keep having frames
/// analysed for as long as the socket stays open.
/// </summary>
public sealed class RevalidatingHubFilter(SignInRevalidator revalidator) : IHubFilter
{
    private static readonly object WatchKey = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var connection = context.Context;
        if (connection.User is { } user)
        {
            connection.Items[WatchKey] = revalidator.Watch(user, connection.Abort, connection.ConnectionAborted);
        }
        return next(context);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (invocationContext.Context.Items.TryGetValue(WatchKey, out var value) && value is SignInWatch { IsRevoked: true })
        {
            throw new HubException("Your sign-in is no longer valid.");
        }
        return await next(invocationContext);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Context.Items.Remove(WatchKey, out var value) && value is SignInWatch watch)
        {
            watch.Dispose();
        }
        return next(context, exception);
    }
}
