using System.Collections.Concurrent;
using BlazorMood.Playback.Kiosk;

namespace BlazorMood.Web.Kiosk;

/// <summary>
/// In-process news about kiosk devices: open kiosk pages subscribe, so a revoked screen leaves at once instead of at
/// its next request. (Requests are refused anyway; this only spares the open page its wait.)
/// </summary>
public sealed partial class KioskDeviceEvents(ILogger<KioskDeviceEvents> logger)
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    /// <summary>Calls <paramref name="onRevoked"/> with the device account's user id whenever a device is revoked, until disposed.</summary>
    public IDisposable SubscribeRevoked(Action<string> onRevoked)
    {
        ArgumentNullException.ThrowIfNull(onRevoked);
        var subscription = new Subscription(this, onRevoked);
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    public void RaiseRevoked(string userId)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            try
            {
                subscription.OnRevoked(userId);
            }
            catch (Exception e)
            {
                LogHandlerFailed(logger, e, userId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A kiosk page failed to handle the revocation of {UserId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string userId);

    private sealed class Subscription(KioskDeviceEvents owner, Action<string> onRevoked) : IDisposable
    {
        public Action<string> OnRevoked { get; } = onRevoked;

        public void Dispose() => owner._subscriptions.TryRemove(this, out _);
    }
}
