using System.Runtime.InteropServices;

namespace BlazorMood.Music.Curation;

/// <summary>
/// Replaces files so that a reader (or a crash) sees the old content or the new one, never a mix: the new content goes
/// to a hidden temp file in the same folder (same file system, so the rename is atomic), is flushed to disk, and is
/// renamed over the target; then the folder itself is flushed so the rename survives a power cut. On any failure the
/// temp file is removed and the target is untouched.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>A hidden, unique temp name next to <paramref name="target"/> (the loader and watcher ignore dot files).</summary>
    public static string TempPathFor(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");

    /// <summary>Writes <paramref name="target"/> through <paramref name="write"/>, atomically.</summary>
    public static async Task WriteAsync(string target, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = TempPathFor(target);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await write(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        SyncDirectory(Path.GetDirectoryName(target)!);
    }

    public static Task WriteAllBytesAsync(string target, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        WriteAsync(target, (s, ct) => s.WriteAsync(bytes, ct).AsTask(), cancellationToken);

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> atomically (the target must not exist unless <paramref name="overwrite"/>).</summary>
    public static async Task CopyAsync(string source, string target, bool overwrite, CancellationToken cancellationToken)
    {
        if (!overwrite && (File.Exists(target) || Directory.Exists(target)))
        {
            throw new IOException($"'{Path.GetFileName(target)}' already exists.");
        }
        await WriteAsync(target, async (s, ct) =>
        {
            await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await input.CopyToAsync(s, ct);
        }, cancellationToken);
    }

    /// <summary>Flushes a folder's entries (renames, creations) to disk; best effort where the platform has no such call.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next start-up's clean-up of hidden temp files.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
