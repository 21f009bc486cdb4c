using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Events;

/// <summary>Redis for several nodes, bound from the <c>Redis</c> section; empty <see cref="Configuration"/> = one process, no Redis.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis configuration string (e.g. <c>redis:6379</c>); empty turns every Redis feature off.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of the pub/sub channels, of SignalR's backplane channels and of the keys features keep in Redis (kiosk pairing), so several apps can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string ChannelPrefix { get; set; } = "blazormood";

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
