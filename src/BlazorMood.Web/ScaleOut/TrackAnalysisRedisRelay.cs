using BlazorMood.Music.Curation;

namespace BlazorMood.Web.ScaleOut;

/// <summary>
/// The Music project's relay interface for analysis progress, served by a <see cref="RedisRelay{TMessage}"/> (the Music
/// project knows nothing of Redis): a worker node's progress reaches the Admin page on every web node.
/// </summary>
internal sealed class TrackAnalysisRedisRelay(RedisRelay<TrackAnalysisUpdate> relay) : ITrackAnalysisRelay
{
    public void Send(TrackAnalysisUpdate update) => relay.Send(update);
}
