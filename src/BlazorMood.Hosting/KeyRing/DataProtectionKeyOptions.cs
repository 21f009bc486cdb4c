using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Hosting.KeyRing;

/// <summary>
/// Where the ASP.NET Core Data Protection keys live, bound from the <c>DataProtection</c> section. The keys sign and
/// encrypt the sign-in cookie and the antiforgery tokens: every node behind one address must read the same folder, or
/// a cookie issued by one node is rejected by the next (after a failover, or without sticky sessions).
/// </summary>
public sealed class DataProtectionKeyOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>The application name every node shares: keys are isolated per application name.</summary>
    public const string ApplicationName = "BlazorMood";

    /// <summary>Folder of the key ring (XML files); a relative path resolves against the content root. Share it between nodes.</summary>
    [Required]
    public string KeysPath { get; set; } = Path.Combine("data", "keys");
}
