using System.Security.Cryptography;
using System.Text;
using BlazorMood.Music.Library;

namespace BlazorMood.Music.Curation;

/// <summary>
/// Every path curation writes to, confined to the library root. Names come from the server (playlist names are
/// validated, track file names generated); a client's path or file name never becomes a path. A write target must lie
/// inside the root both lexically and after resolving links, and no component below the root may be a link at all:
/// a link inside the library is something a person put there, and writing through it could land anywhere.
/// </summary>
public sealed class LibraryPaths
{
    public const int MaxPlaylistNameLength = 64;

    public LibraryPaths(string rootPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        RootFull = Path.GetFullPath(rootPath);
    }

    /// <summary>The root as configured (absolute).</summary>
    public string RootFull { get; }

    /// <summary>The root with links resolved (the root itself may be a link, e.g. to a data volume).</summary>
    public string RootReal => PathContainment.ResolveReal(RootFull) is { } real && Directory.Exists(real)
        ? real
        : throw new CurationException(CurationError.NotFound, $"The music library folder '{RootFull}' does not exist.");

    public string StateFolder => Path.Combine(RootReal, CurationOptions.StateFolderName);

    public string CurationFile => Path.Combine(StateFolder, "curation.json");

    /// <summary>Uploads being streamed and probed; emptied at start-up.</summary>
    public string IncomingFolder => Path.Combine(StateFolder, "incoming");

    /// <summary>Deleted playlists and tracks, kept for <see cref="CurationOptions.TrashRetention"/>.</summary>
    public string TrashFolder => Path.Combine(StateFolder, "trash");

    /// <summary>Null when <paramref name="name"/> is a valid playlist folder name, else why not.</summary>
    public static string? PlaylistNameError(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxPlaylistNameLength)
        {
            return $"A playlist name is 1–{MaxPlaylistNameLength} characters.";
        }
        if (!char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0]))
        {
            return "A playlist name starts with a lower-case letter or a digit.";
        }
        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-'))
        {
            return "A playlist name has only lower-case letters, digits, '_' and '-' (it is a folder name).";
        }
        return null;
    }

    /// <summary>The playlist's folder; with <paramref name="mustExist"/> it must be a real folder (not a link) in the root.</summary>
    public string PlaylistFolder(string name, bool mustExist)
    {
        if (PlaylistNameError(name) is { } error)
        {
            throw new CurationException(CurationError.Invalid, error);
        }
        var root = RootReal;
        var folder = Path.Combine(root, name);
        if (mustExist)
        {
            if (!Directory.Exists(folder))
            {
                throw new CurationException(CurationError.NotFound, $"There is no playlist '{name}'.");
            }
            EnsureWritable(folder);
        }
        else if (Directory.Exists(folder) || File.Exists(folder) || new FileInfo(folder).LinkTarget is not null)
        {
            throw new CurationException(CurationError.Conflict, $"'{name}' already exists.");
        }
        return folder;
    }

    public string MetadataFile(string playlist) => Path.Combine(PlaylistFolder(playlist, mustExist: true), PlaylistLoader.MetadataFileName);

    /// <summary>
    /// The absolute path of a library-relative path (as the loader records it), checked to be a file or folder of the
    /// library that curation may replace or delete: inside the root, no link on the way, no <c>..</c>, not absolute.
    /// </summary>
    public string Confine(string relativePath)
    {
        if (string.IsNullOrEmpty(relativePath) || relativePath.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(relativePath)
            || relativePath.Replace('\\', '/').Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new CurationException(CurationError.Invalid, $"'{relativePath}' is not a path inside the library.");
        }
        var root = RootReal;
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!PathContainment.IsInside(root, full))
        {
            throw new CurationException(CurationError.Invalid, $"'{relativePath}' lies outside the library.");
        }
        EnsureWritable(full);
        return full;
    }

    /// <summary>
    /// Throws unless <paramref name="fullPath"/> (absolute, lexically inside the root) resolves to itself: no component
    /// between the root and it is a link (to a file or a folder, inside the library or out of it).
    /// </summary>
    public void EnsureWritable(string fullPath)
    {
        var root = RootReal;
        var full = Path.GetFullPath(fullPath);
        if (!PathContainment.IsInside(root, full))
        {
            throw new CurationException(CurationError.Invalid, $"'{Path.GetFileName(fullPath)}' lies outside the library.");
        }
        if (PathContainment.ResolveReal(full) is not { } real || !string.Equals(real, full, StringComparison.Ordinal))
        {
            throw new CurationException(CurationError.Invalid,
                $"'{Path.GetRelativePath(root, full)}' is or passes through a symbolic link; curation does not write through links.");
        }
    }

    /// <summary>A new server-chosen file name for a track: a slug of the title and a random suffix, never the client's name.</summary>
    public static string NewTrackFileName(string? title, string extension)
    {
        var slug = new StringBuilder();
        foreach (var c in (title ?? "").Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if ((c is ' ' or '-' or '_' or '.') && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
            if (slug.Length >= 40)
            {
                break;
            }
        }
        var name = slug.ToString().Trim('-');
        return $"{(name.Length == 0 ? "track" : name)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}{extension}";
    }
}
