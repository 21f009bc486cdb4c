using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using BlazorMood.Data.Videos;

namespace BlazorMood.VideoJobs;

/// <summary>
/// Where a job's files live: <c>&lt;StoragePath&gt;/&lt;storage name&gt;/input</c> and <c>…/output/</c>. Every path is built
/// from a server-generated storage name (checked to be 32 hex digits); the client's file name never reaches the disk.
/// </summary>
public sealed partial class VideoStorage
{
    public const string InputFileName = "input";
    public const string OutputFolderName = "output";
    public const string DefaultDisplayName = "video";

    private readonly ILogger<VideoStorage> _logger;

    public VideoStorage(IOptions<VideoJobOptions> options, IHostEnvironment environment, ILogger<VideoStorage> logger)
    {
        Root = Path.GetFullPath(options.Value.StoragePath, environment.ContentRootPath);
        _logger = logger;
    }

    /// <summary>Absolute folder of all jobs.</summary>
    public string Root { get; }

    public static string NewStorageName(Guid id) => id.ToString("N", CultureInfo.InvariantCulture);

    /// <summary>True for names this class generates; anything else is never joined to a path.</summary>
    public static bool IsStorageName(string? name) => name is { Length: 32 } && name.All(char.IsAsciiHexDigitLower);

    public string JobFolder(string storageName) =>
        IsStorageName(storageName) ? Path.Combine(Root, storageName) : throw new ArgumentException("Not a storage name.", nameof(storageName));

    public string InputPath(string storageName) => Path.Combine(JobFolder(storageName), InputFileName);

    public string OutputFolder(string storageName) => Path.Combine(JobFolder(storageName), OutputFolderName);

    public string AnnotatedVideoPath(string storageName) => Path.Combine(OutputFolder(storageName), BlazorMood.Video.ActivityPipeline.AnnotatedFileName);

    /// <summary>Creates the (new, empty) folder of a job.</summary>
    public string CreateJobFolder(string storageName)
    {
        var folder = JobFolder(storageName);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Removes the job's folder and everything in it; false (logged) when something could not be removed.</summary>
    public bool DeleteJobFolder(string storageName) => DeletePath(JobFolder(storageName));

    public bool DeleteInput(string storageName) => DeletePath(InputPath(storageName));

    public bool DeleteOutputs(string storageName) => DeletePath(OutputFolder(storageName));

    /// <summary>Folders under the root that look like job folders, with their last write time (for the orphan sweep).</summary>
    public IEnumerable<(string StorageName, DateTime LastWriteUtc)> EnumerateJobFolders()
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            var name = Path.GetFileName(folder);
            if (IsStorageName(name))
            {
                yield return (name, LastWriteUtc(folder));
            }
        }
    }

    /// <summary>
    /// The newest write in a job folder: the folder's own time changes only when an entry is added, while an upload
    /// in progress keeps writing its file, and must never look abandoned.
    /// </summary>
    private static DateTime LastWriteUtc(string folder)
    {
        var newest = Directory.GetLastWriteTimeUtc(folder);
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var written = File.GetLastWriteTimeUtc(file);
                newest = written > newest ? written : newest;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Deleted meanwhile: the folder's own time is all there is.
        }
        return newest;
    }

    private bool DeletePath(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next retention sweep tries again (orphans and expired files are looked for every time).
            LogDeleteFailed(_logger, e, path);
            return false;
        }
    }

    /// <summary>
    /// The client's file name made fit for display: the last path segment only, no control or bidirectional-override
    /// characters, at most <paramref name="maxLength"/> characters (the extension kept); <c>video</c> when nothing is left.
    /// </summary>
    public static string DisplayName(string? clientFileName, int maxLength = BlazorMood.Data.Videos.VideoJobRecord.MaxFileNameLength)
    {
        var name = clientFileName ?? "";
        // Browsers send the bare name; old ones and scripts sometimes a whole client path with either separator.
        var cut = name.LastIndexOfAny(['/', '\\']);
        if (cut >= 0)
        {
            name = name[(cut + 1)..];
        }
        var clean = new StringBuilder(Math.Min(name.Length, 512));
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || rune == Rune.ReplacementChar)
            {
                continue; // includes the bidi overrides (Format) that could make "exe.mp4" read "4pm.exe"
            }
            clean.Append(Rune.IsWhiteSpace(rune) ? " " : rune.ToString());
        }
        var text = clean.ToString().Trim();
        if (text.Length == 0)
        {
            return DefaultDisplayName;
        }
        var info = new StringInfo(text);
        if (info.LengthInTextElements <= maxLength && text.Length <= maxLength)
        {
            return text;
        }
        var extension = Path.GetExtension(text);
        if (extension.Length > 16)
        {
            extension = "";
        }
        var keep = maxLength - extension.Length - 1;
        var head = new StringBuilder();
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext() && head.Length + elements.GetTextElement().Length <= keep)
        {
            head.Append(elements.GetTextElement());
        }
        return head.ToString().TrimEnd() + "…" + extension;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete {Path}; the retention sweep will retry")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string path);
}
