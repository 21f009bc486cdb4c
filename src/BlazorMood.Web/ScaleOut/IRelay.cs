namespace BlazorMood.Web.ScaleOut;

/// <summary>
/// Carries what an in-process notifier publishes to the same notifier on the other nodes. The notifier delivers to its
/// own subscribers first and then hands the message here; messages from other nodes come back through the notifier's
/// local delivery only, so nothing is delivered twice or sent round again.
/// </summary>
public interface IRelay<in TMessage>
{
    void Send(TMessage message);
}
