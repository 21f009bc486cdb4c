using BlazorMood.Music.Curation;

namespace BlazorMood.Web.ScaleOut;

/// <summary>
/// The Music project's relay for "the curation file changed", served by a <see cref="RedisRelay{TMessage}"/>: an admin's
/// bans, pin and playlist settings saved on one node are read again at once by every other node on the library volume.
/// </summary>
internal sealed class CurationRedisRelay(RedisRelay<CurationChanged> relay) : ICurationChangeRelay
{
    public void Send(CurationChanged change) => relay.Send(change);
}
