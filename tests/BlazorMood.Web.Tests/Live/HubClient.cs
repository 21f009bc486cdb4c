using BlazorMood.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorMood.Web.Tests.Live;

/// <summary>A SignalR .NET client on the live hub with the MessagePack protocol, as the browser uses.</summary>
public static class HubClient
{
    public static async Task<HubConnection> ConnectAsync(LiveServerFixture server, string? sessionCookie = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/emotion"), o =>
            {
                if (sessionCookie is not null)
                {
                    o.Headers[HeaderNames.Cookie] = $"{LiveSession.CookieName}={sessionCookie}";
                }
            })
            .AddMessagePackProtocol()
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public static Task<FrameResult> SendAsync(this HubConnection connection, long sequence, byte[] frame) =>
        connection.InvokeAsync<FrameResult>("AnalyzeFrame", sequence, frame);

    private static class HeaderNames
    {
        public const string Cookie = "Cookie";
    }
}
