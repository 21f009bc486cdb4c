namespace BlazorMood.Music.Library;

/// <summary>
/// Decides whether a path really lies inside a root. A plain prefix test on <see cref="Path.GetFullPath(string)"/>
/// catches <c>../</c> and absolute paths, but not a symbolic link (to a file or to any folder on the way) that points
/// elsewhere, so every component is resolved the way the kernel would follow it.
/// </summary>
internal static class PathContainment
{
    // Bounds link chains (and loops) the same way the kernel's ELOOP does.
    private const int MaxLinkHops = 40;

    /// <summary>Resolves links in every component of <paramref name="path"/>; null when a chain is too long.</summary>
    public static string? ResolveReal(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                if (++hops > MaxLinkHops)
                {
                    return null;
                }
                // Relative targets are relative to the folder holding the link; re-walk the target's own components.
                var targetFull = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
                var targetRoot = Path.GetPathRoot(targetFull) ?? "/";
                foreach (var p in targetFull[targetRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                {
                    pending.Push(p);
                }
                current = targetRoot;
                continue;
            }
            current = next;
        }
        return current;
    }

    /// <summary>True when <paramref name="candidateReal"/> is <paramref name="rootReal"/> or below it (both already resolved).</summary>
    public static bool IsInside(string rootReal, string candidateReal)
    {
        var rootWithSep = rootReal.EndsWith(Path.DirectorySeparatorChar) ? rootReal : rootReal + Path.DirectorySeparatorChar;
        return candidateReal.StartsWith(rootWithSep, StringComparison.Ordinal);
    }
}
