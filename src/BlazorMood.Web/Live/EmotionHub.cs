using BlazorMood.Web.Operations;
using Microsoft.AspNetCore.SignalR;
using BlazorMood.Accounts;
using BlazorMood.Diagnostics;
using BlazorMood.Playback;
using BlazorMood.Music.Context;
using BlazorMood.Live;

namespace BlazorMood.Web.Live;

/// <summary>
/// The live webcam hub (<c>/hubs/emotion</c>, MessagePack). The browser sends one JPEG at a time with
/// <see cref="AnalyzeFrame"/> and waits for the reply before sending the next, so a slow server never builds a queue.
/// Only signed-in callers connect (the endpoint requires a policy); the stream belongs to their account.
/// Every call is a span tagged with the connection id, so everything logged while it is handled carries that id.
/// </summary>
public sealed class EmotionHub(LiveStreamRegistry streams, LiveFrameProcessor processor) : Hub
{
    public override Task OnConnectedAsync()
    {
        using var span = BlazorMoodTracing.StartFrameStream("connect", Context.ConnectionId);
        // The account's id: its live view, its recorded events and its recommendations all follow this stream.
        var owner = OwnerIdentity.Of(Context.User) ?? throw new HubException("Sign in to stream frames.");
        streams.Open(Context.ConnectionId, owner);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        using var span = BlazorMoodTracing.StartFrameStream("disconnect", Context.ConnectionId);
        streams.Close(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The id this connection's results are published under: the signed-in user's (the page's components subscribe to it).</summary>
    public string GetSession() => Stream.SessionId;

    /// <summary>Analyses one encoded frame (JPEG, PNG or WebP bytes). Every outcome is a reply; none closes the connection.</summary>
    public async Task<FrameResult> AnalyzeFrame(long sequence, byte[] frame)
    {
        using var span = BlazorMoodTracing.StartFrameStream("frame", Context.ConnectionId);
        return await processor.ProcessAsync(Stream, sequence, frame ?? [], Context.ConnectionAborted);
    }

    private LiveStream Stream => streams.Find(Context.ConnectionId) ?? throw new HubException("The live stream is closed.");
}
