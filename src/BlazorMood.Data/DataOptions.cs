using System.ComponentModel.DataAnnotations;

namespace BlazorMood.Data;

/// <summary>The database engine the context runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>One file next to the app: the single-process default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by several web and worker nodes.</summary>
    Postgres,
}

/// <summary>Which database the app uses and how it is kept, bound from the <c>Data</c> section.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    /// <summary>The name of the PostgreSQL connection string in <c>ConnectionStrings</c>, used when <see cref="PostgresConnectionString"/> is empty.</summary>
    public const string PostgresConnectionName = "Postgres";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>SQLite database file; a relative path resolves against the host's content root (the repository root when run from a checkout).</summary>
    [Required]
    public string DatabasePath { get; set; } = Path.Combine("data", "blazormood.db");

    /// <summary>SQLite write-ahead logging: readers never wait for the writer. Off only for file systems that lack shared memory.</summary>
    public bool WriteAheadLog { get; set; } = true;

    /// <summary>
    /// Npgsql connection string when <see cref="Provider"/> is <c>Postgres</c>; when empty,
    /// <c>ConnectionStrings:Postgres</c> is used (filled in by <c>AddData</c>).
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Apply pending EF Core migrations when the host starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
