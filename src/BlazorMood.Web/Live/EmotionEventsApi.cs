using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BlazorMood.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using BlazorMood.Web.Accounts;
using BlazorMood.Playback;
using BlazorMood.Music.Context;
using BlazorMood.Live;

namespace BlazorMood.Web.Live;

/// <summary>An emotion event as the APIs return it.</summary>
public sealed record EmotionEventDto(string Label, float Confidence, DateTimeOffset OccurredAt, string Source);

/// <summary>
/// <c>GET /api/emotions/stream</c> (Server-Sent Events: the caller's dominant-emotion changes as they happen) and
/// <c>GET /api/emotions/recent</c> (the caller's recorded events, newest first). The caller is the signed-in user
/// (cookie or API token); nobody can name another user's stream.
/// </summary>
public static class EmotionEventsApi
{
    private const int StreamBuffer = 64;

    public static IEndpointRouteBuilder MapEmotionEventsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/emotions/stream", Stream).WithName("EmotionEventStream");
        endpoints.MapGet("/api/emotions/recent", RecentAsync).WithName("RecentEmotionEvents")
            .Produces<EmotionEventDto[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return endpoints;
    }

    // The stream ends when the caller's token, device or account is revoked (a live feed of someone's emotions).
    internal static IResult Stream(HttpContext http, LiveMoodNotifier notifier)
    {
        var session = RequestOwner.ForRequest(http);
        return TypedResults.ServerSentEvents(Accounts.RevalidatedStream.Of(http, ct => Events(notifier, session, ct)));
    }

    private static async IAsyncEnumerable<SseItem<EmotionEventDto>> Events(
        LiveMoodNotifier notifier, string session, [EnumeratorCancellation] CancellationToken ct)
    {
        // A slow reader loses the oldest changes, it never slows the live stream down.
        var channel = Channel.CreateBounded<EmotionEventDto>(new BoundedChannelOptions(StreamBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        using var subscription = notifier.Subscribe(session, update =>
        {
            if (update.Change is { } c)
            {
                channel.Writer.TryWrite(new EmotionEventDto(c.Label, c.Confidence, c.OccurredAt, "live"));
            }
            return Task.CompletedTask;
        });
        // A first comment-free event tells the client the stream is open.
        yield return new SseItem<EmotionEventDto>(new EmotionEventDto("", 0, DateTimeOffset.UtcNow, "live"), "ready");
        await foreach (var e in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            yield return new SseItem<EmotionEventDto>(e, "emotion");
        }
    }

    internal static async Task<IResult> RecentAsync(
        HttpContext http,
        IDbContextFactory<BlazorMoodDbContext> contexts,
        IOptions<LiveOptions> options,
        int? limit,
        CancellationToken ct)
    {
        var owner = RequestOwner.ForRequest(http);
        var max = options.Value.Events.MaxRecent;
        var take = limit ?? 50;
        if (take < 1 || take > max)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid limit", detail: $"limit must be between 1 and {max}.");
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.EmotionEvents.AsNoTracking()
            .Where(e => e.UserId == owner)
            .OrderByDescending(e => e.OccurredAtUtc).ThenByDescending(e => e.Id)
            .Take(take)
            .Select(e => new { e.Label, e.Confidence, e.OccurredAtUtc, e.Source })
            .ToListAsync(ct);
        return Results.Ok(rows.Select(r => new EmotionEventDto(r.Label, r.Confidence, new DateTimeOffset(DateTime.SpecifyKind(r.OccurredAtUtc, DateTimeKind.Utc)), r.Source)).ToArray());
    }
}
