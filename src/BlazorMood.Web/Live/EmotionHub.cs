using Microsoft.AspNetCore.SignalR;

namespace BlazorMood.Web.Live;

/// <summary>
/// The live webcam hub (<c>/hubs/emotion</c>, MessagePack). The browser sends one JPEG at a time with
/// <see cref="AnalyzeFrame"/> and waits for the reply before sending the next, so a slow server never builds a queue.
/// </summary>
public sealed class EmotionHub(LiveStreamRegistry streams, LiveFrameProcessor processor) : Hub
{
    public override Task OnConnectedAsync()
    {
        var session = LiveSession.Resolve(Context.GetHttpContext()) ?? Context.ConnectionId;
        streams.Open(Context.ConnectionId, session);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        streams.Close(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The session this connection's results are published to (the page's components subscribe to it).</summary>
    public string GetSession() => Stream.SessionId;

    /// <summary>Analyses one encoded frame (JPEG, PNG or WebP bytes). Every outcome is a reply; none closes the connection.</summary>
    public Task<FrameResult> AnalyzeFrame(long sequence, byte[] frame) =>
        processor.ProcessAsync(Stream, sequence, frame ?? [], Context.ConnectionAborted);

    private LiveStream Stream => streams.Find(Context.ConnectionId) ?? throw new HubException("The live stream is closed.");
}
