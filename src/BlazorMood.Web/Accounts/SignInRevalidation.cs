using System.Collections.Concurrent;
using System.Security.Claims;
using System.Threading.Channels;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using BlazorMood.Accounts;
using BlazorMood.Playback;
using BlazorMood.Playback.Kiosk;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.Accounts;

/// <summary>
/// In-process news that an account's credentials changed (a token revoked, a kiosk device revoked): open connections
/// of that account re-check at once instead of at their next periodic check. Other nodes learn it from that periodic
/// check (<see cref="AccountOptions.ConnectionRevalidationInterval"/>).
/// </summary>
public sealed class CredentialChanges
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Subscription, byte>> _byUser = new(StringComparer.Ordinal);

    /// <summary>Calls <paramref name="onChange"/> whenever <see cref="Raise"/> names <paramref name="userId"/>, until disposed.</summary>
    public IDisposable Subscribe(string userId, Action onChange)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(onChange);
        var subscription = new Subscription(this, userId, onChange);
        _byUser.GetOrAdd(userId, _ => new()).TryAdd(subscription, 0);
        return subscription;
    }

    public void Raise(string userId)
    {
        if (_byUser.TryGetValue(userId, out var subscriptions))
        {
            foreach (var subscription in subscriptions.Keys)
            {
                subscription.OnChange();
            }
        }
    }

    private sealed class Subscription(CredentialChanges owner, string userId, Action onChange) : IDisposable
    {
        public Action OnChange { get; } = onChange;

        public void Dispose()
        {
            if (owner._byUser.TryGetValue(userId, out var subscriptions))
            {
                subscriptions.TryRemove(this, out _);
            }
        }
    }
}

/// <summary>
/// Keeps long-lived connections honest about their sign-in: an SSE stream or a hub connection authenticated once, at
/// its start, and would otherwise outlive a revoked API token, a revoked kiosk device, a deleted or locked account or
/// a changed security stamp (a new password, "sign out everywhere"). <see cref="Watch"/> re-checks the principal every
/// <see cref="AccountOptions.ConnectionRevalidationInterval"/> and at once on <see cref="CredentialChanges"/>, and
/// ends the connection the first time the check fails.
/// </summary>
public sealed partial class SignInRevalidator(
    IServiceScopeFactory scopes,
    IApiTokens tokens,
    CredentialChanges changes,
    IOptions<AccountOptions> accounts,
    IOptions<IdentityOptions> identity,
    TimeProvider time,
    ILogger<SignInRevalidator> logger)
{
    /// <summary>
    /// True while <paramref name="principal"/> may still act: its token (if it signed in with one) exists and has not
    /// expired, its account exists and is not locked out, its security stamp is the account's current one, and every
    /// feature's <see cref="ISignInCheck"/> agrees (a kiosk device is not revoked). A failing check (database unreachable) counts as still valid: it is retried at
    /// the next interval, and a flaky database should not cut every live stream.
    /// </summary>
    public async Task<bool> IsValidAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (OwnerIdentity.Of(principal) is not { } userId)
        {
            return false;
        }
        try
        {
            if (principal.FindFirstValue(ApiTokenAuthenticationHandler.TokenIdClaim) is { } tokenClaim
                && (!long.TryParse(tokenClaim, System.Globalization.CultureInfo.InvariantCulture, out var tokenId)
                    || !await tokens.IsActiveAsync(userId, tokenId, ct)))
            {
                return false;
            }
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var user = await users.FindByIdAsync(userId);
            if (user is null || (user.LockoutEnabled && user.LockoutEnd is { } end && end > time.GetUtcNow()))
            {
                return false;
            }
            var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
            if (users.SupportsUserSecurityStamp && stamp is not null && stamp != user.SecurityStamp)
            {
                return false;
            }
            foreach (var check in scope.ServiceProvider.GetServices<ISignInCheck>())
            {
                if (!await check.IsStillValidAsync(principal, userId, ct))
                {
                    return false;
                }
            }
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckFailed(logger, e, userId);
            return true;
        }
    }

    /// <summary>
    /// Watches <paramref name="principal"/> until <paramref name="connectionAborted"/> or disposal; calls
    /// <paramref name="onRevoked"/> once when its sign-in no longer holds. The returned watch's
    /// <see cref="SignInWatch.Token"/> is cancelled then too (and when the connection ends).
    /// </summary>
    public SignInWatch Watch(ClaimsPrincipal principal, Action? onRevoked, CancellationToken connectionAborted)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var watch = new SignInWatch(connectionAborted);
        var userId = OwnerIdentity.Of(principal);
        // One slot is enough: several signals before the loop wakes ask for one check.
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var subscription = userId is null ? null : changes.Subscribe(userId, () => wake.Writer.TryWrite(true));
        watch.Loop = RunAsync(principal, userId, wake.Reader, subscription, watch, onRevoked);
        return watch;
    }

    private async Task RunAsync(ClaimsPrincipal principal, string? userId, ChannelReader<bool> wake, IDisposable? subscription, SignInWatch watch, Action? onRevoked)
    {
        var ct = watch.Token;
        try
        {
            var interval = accounts.Value.ConnectionRevalidationInterval;
            while (!ct.IsCancellationRequested)
            {
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    wait.CancelAfter(interval);
                    try
                    {
                        await wake.WaitToReadAsync(wait.Token);
                        wake.TryRead(out _);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // The interval passed: a periodic check.
                    }
                }
                if (ct.IsCancellationRequested)
                {
                    return;
                }
                if (!await IsValidAsync(principal, ct))
                {
                    LogRevoked(logger, userId ?? "(none)");
                    watch.Revoke();
                    onRevoked?.Invoke();
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The connection ended.
        }
        catch (Exception e)
        {
            LogWatchFailed(logger, e, userId ?? "(none)");
        }
        finally
        {
            subscription?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing a connection of {UserId}: its sign-in was revoked or the account changed")]
    private static partial void LogRevoked(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not re-check the sign-in of {UserId}; the connection stays open until the next check")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sign-in watch of {UserId} failed")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string userId);
}

/// <summary>One watched connection. <see cref="Token"/> ends with the connection or at revocation; dispose to stop watching.</summary>
public sealed class SignInWatch : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private int _disposed;

    internal SignInWatch(CancellationToken connectionAborted)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(connectionAborted);
    }

    /// <summary>Cancelled when the connection ends, the watch is disposed, or the sign-in was revoked.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The sign-in no longer holds.</summary>
    public bool IsRevoked { get; private set; }

    internal Task Loop { get; set; } = Task.CompletedTask;

    internal void Revoke()
    {
        IsRevoked = true;
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: the connection is gone anyway.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            try
            {
                _cts.Cancel();
            }
            finally
            {
                _cts.Dispose();
            }
        }
    }
}
