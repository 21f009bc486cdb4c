using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Data;

/// <summary>Where and how the SQLite database is kept, bound from the <c>Data</c> section.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    /// <summary>Database file; a relative path resolves against the host's content root (the repository root when run from a checkout).</summary>
    [Required]
    public string DatabasePath { get; set; } = Path.Combine("data", "blazormood.db");

    /// <summary>Write-ahead logging: readers never wait for the writer. Off only for file systems that lack shared memory.</summary>
    public bool WriteAheadLog { get; set; } = true;

    /// <summary>Apply pending EF Core migrations when the host starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
