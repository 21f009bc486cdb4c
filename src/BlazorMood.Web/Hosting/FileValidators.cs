using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace BlazorMood.Web.Hosting;

/// <summary>
/// Validators of served media files (tracks, annotated videos): a strong ETag from the file's length and last write,
/// so <c>If-Range</c> and <c>If-None-Match</c> work and a player resuming a download never stitches two versions of a
/// replaced file together.
/// </summary>
public static class FileValidators
{
    public static EntityTagHeaderValue ETagOf(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return new EntityTagHeaderValue(string.Create(CultureInfo.InvariantCulture,
            $"\"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\""));
    }

    /// <summary>GET and HEAD: a player (or a proxy) asks for the size and validators without the body.</summary>
    public static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];
}
