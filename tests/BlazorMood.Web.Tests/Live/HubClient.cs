using BlazorMood.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using BlazorMood.Live;

namespace BlazorMood.Web.Tests.Live;

/// <summary>A SignalR .NET client on the live hub with the MessagePack protocol, as the browser uses.</summary>
public static class HubClient
{
    /// <summary>Connects as <paramref name="account"/> (default: the server's User account), sending its API token.</summary>
    public static async Task<HubConnection> ConnectAsync(LiveServerFixture server, TestAccount? account = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var token = (account ?? server.User).Token;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "hubs/emotion"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddMessagePackProtocol()
            .Build();
        await connection.StartAsync();
        return connection;
    }

    public static Task<FrameResult> SendAsync(this HubConnection connection, long sequence, byte[] frame) =>
        connection.InvokeAsync<FrameResult>("AnalyzeFrame", sequence, frame);
}
