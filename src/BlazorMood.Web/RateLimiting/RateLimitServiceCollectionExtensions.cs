using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using BlazorMood.Accounts;
using BlazorMood.Playback;
using BlazorMood.Music.Context;

namespace BlazorMood.Web.RateLimiting;

/// <summary>
/// Rate limits on the expensive or guessable requests: sign-in/registration posts, video uploads and the emotion API.
/// Only POSTs count (a GET of the login page is free). A refused request gets 429 problem+json with Retry-After.
/// </summary>
public static partial class RateLimitServiceCollectionExtensions
{
    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => !o.Problems().Any(), "RateLimits: every rule needs PermitLimit >= 1 and a Window between 1 s and a day.")
            .ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicies.AccountForms, http => PostsOnly(http, r => r.AccountForms, byUser: false));
            o.AddPolicy(RateLimitPolicies.VideoUploads, http => PostsOnly(http, r => r.VideoUploads, byUser: true));
            o.AddPolicy(RateLimitPolicies.EmotionApi, http => PostsOnly(http, r => r.EmotionApi, byUser: true));
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> PostsOnly(HttpContext http, Func<RateLimitOptions, RateLimitRule> pick, bool byUser)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return RateLimitPartition.GetNoLimiter("not-a-post");
        }
        var rule = pick(http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        var user = byUser ? OwnerIdentity.Of(http.User) : null;
        var key = user is not null ? "user:" + user : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = rule.PermitLimit,
            Window = rule.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        string detail = "Too many requests of this kind; try again later.";
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            detail = $"Too many requests of this kind; try again in {seconds} s.";
        }
        LogRejected(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitServiceCollectionExtensions)),
            http.Request.Method, http.Request.Path.ToString());
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail)
            .ExecuteAsync(http);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit reached: {Method} {Path} refused with 429")]
    private static partial void LogRejected(ILogger logger, string method, string path);
}
