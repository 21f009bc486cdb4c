using BlazorMood.Web.Accounts;
using BlazorMood.Web.ScaleOut;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using BlazorMood.Live;

namespace BlazorMood.Web.Live;

public static class LiveServiceCollectionExtensions
{
    public const string HubPath = "/hubs/emotion";

    // Room for the MessagePack envelope (invocation id, target, sequence) around the frame bytes.
    private const int EnvelopeBytes = 4 * 1024;

    /// <summary>The live hub (MessagePack) over the live analysis (<c>AddLiveAnalysis</c>: processor, tracker state, notifier, event recording).</summary>
    public static IServiceCollection AddLiveEmotion(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLiveAnalysis(configuration);
        var maxFrame = configuration.GetSection(LiveOptions.SectionName).GetValue<int?>(nameof(LiveOptions.MaxFrameBytes)) ?? new LiveOptions().MaxFrameBytes;

        var signalR = services.AddSignalR();
        signalR
            .AddHubOptions<EmotionHub>(o =>
            {
                // A frame over the cap (but within the envelope) still gets a TooLarge reply; only a message beyond
                // this closes the connection, as SignalR does for any oversize message.
                o.MaximumReceiveMessageSize = maxFrame + EnvelopeBytes;
                o.MaximumParallelInvocationsPerClient = 1;
                o.StreamBufferCapacity = 1;
                // A revoked token, device or account ends the connection within seconds.
                o.AddFilter<RevalidatingHubFilter>();
            })
            .AddMessagePackProtocol(o =>
                o.SerializerOptions = o.SerializerOptions.WithSecurity(MessagePackSecurity.UntrustedData));

        // Several nodes (Redis:Configuration set): SignalR backplane and the notifiers bridged over Redis.
        services.AddRedisScaleOut(configuration, signalR);
        return services;
    }

    public static IEndpointRouteBuilder MapLiveEmotion(this IEndpointRouteBuilder endpoints)
    {
        // Every signed-in role streams its camera (the kiosk too); the stream and its events belong to the account.
        endpoints.MapHub<EmotionHub>(HubPath).RequireAuthorization(Policies.Kiosk);
        endpoints.MapGroup(string.Empty).RequireAuthorization(Policies.Kiosk).MapEmotionEventsApi();
        return endpoints;
    }
}
