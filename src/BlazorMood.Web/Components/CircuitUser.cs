using BlazorMood.Web.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using BlazorMood.Accounts;
using BlazorMood.Web.Accounts;
using BlazorMood.Live;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Components;

/// <summary>
/// Who an interactive component acts for. The request's caller is readable while prerendering (an HTTP request), not
/// reliably inside the circuit that follows, so the id found then is handed to the circuit through
/// <see cref="PersistentComponentState"/> under a key of the component's own (keys must not collide between components).
/// The id comes from <see cref="RequestOwner.SessionOf"/>, the one place that decides who a request is.
/// </summary>
internal static class CircuitUser
{
    /// <summary>
    /// The signed-in account an interactive component acts for, from the circuit's authentication state (the same
    /// while prerendering and in the circuit); null without one, which the page policies rule out.
    /// </summary>
    public static async Task<string?> ResolveAsync(AuthenticationStateProvider authentication)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        return OwnerIdentity.Of((await authentication.GetAuthenticationStateAsync()).User);
    }

    /// <summary>
    /// The id handed over from prerendering under <paramref name="key"/>, else the session of the current request
    /// (prerendering, or a circuit whose connection request carries the cookie); null when neither is known.
    /// </summary>
    public static string? Resolve(PersistentComponentState state, HttpContext? http, string key)
    {
        if (state.TryTakeFromJson<string>(key, out var persisted) && LiveSession.IsValid(persisted))
        {
            return persisted;
        }
        return RequestOwner.SessionOf(http);
    }

    /// <summary>Persists the id at the end of prerendering so that <see cref="Resolve"/> finds it in the circuit.</summary>
    public static PersistingComponentStateSubscription HandOver(PersistentComponentState state, string key, Func<string?> userId) =>
        state.RegisterOnPersisting(() =>
        {
            state.PersistAsJson(key, userId());
            return Task.CompletedTask;
        });
}
