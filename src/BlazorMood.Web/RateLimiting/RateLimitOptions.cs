using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Web.RateLimiting;

/// <summary>Request limits, bound from the <c>RateLimits</c> section. Each applies per signed-in user, else per IP address.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Sign-in and registration form posts (per IP address: the caller is not signed in yet).</summary>
    [Required]
    public RateLimitRule AccountForms { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary><c>POST /api/videos</c>: each one is minutes of CPU.</summary>
    [Required]
    public RateLimitRule VideoUploads { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(10) };

    /// <summary><c>POST /api/emotion</c>: one still image per request.</summary>
    [Required]
    public RateLimitRule EmotionApi { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    public IEnumerable<string> Problems()
    {
        foreach (var (name, rule) in new[] { (nameof(AccountForms), AccountForms), (nameof(VideoUploads), VideoUploads), (nameof(EmotionApi), EmotionApi) })
        {
            if (rule.PermitLimit < 1)
            {
                yield return $"RateLimits:{name}:PermitLimit must be at least 1.";
            }
            if (rule.Window < TimeSpan.FromSeconds(1) || rule.Window > TimeSpan.FromDays(1))
            {
                yield return $"RateLimits:{name}:Window must be between 1 second and a day.";
            }
        }
    }
}

/// <summary>At most <see cref="PermitLimit"/> requests in each <see cref="Window"/> (fixed windows; no queueing).</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>Names of the rate-limiting policies, for <c>RequireRateLimiting</c> and <c>[EnableRateLimiting]</c>.</summary>
public static class RateLimitPolicies
{
    public const string AccountForms = "account-forms";
    public const string VideoUploads = "video-uploads";
    public const string EmotionApi = "emotion-api";
}
