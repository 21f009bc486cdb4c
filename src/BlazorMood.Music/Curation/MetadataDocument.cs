using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlazorMood.Music.Library;

namespace BlazorMood.Music.Curation;

/// <summary>
/// A playlist's metadata.json as a JSON tree, so curation edits one entry and keeps every other field, the entry order
/// and the file's shape (a bare array, the original format, or an object with a <c>tracks</c> array) as they were.
/// </summary>
public sealed class MetadataDocument
{
    private static readonly JsonDocumentOptions ReadOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 };

    // Files are read by people and by the loader, never embedded in HTML: keep accents and quotes readable.
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonNode _root;

    private MetadataDocument(JsonNode root, JsonArray entries)
    {
        _root = root;
        Entries = entries;
    }

    /// <summary>The track entries, in file order.</summary>
    public JsonArray Entries { get; }

    public static MetadataDocument CreateEmpty() { var array = new JsonArray(); return new MetadataDocument(array, array); }

    /// <summary>Parses metadata.json content; throws <see cref="CurationException"/> when it is not one.</summary>
    public static MetadataDocument Parse(ReadOnlySpan<byte> utf8, string what)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8, documentOptions: ReadOptions);
        }
        catch (JsonException ex)
        {
            throw new CurationException(CurationError.UnsupportedMedia, $"{what} is not valid JSON: {ex.Message}");
        }
        var entries = root switch
        {
            JsonArray array => array,
            JsonObject obj when obj["tracks"] is JsonArray tracks => tracks,
            _ => null,
        };
        return entries is null
            ? throw new CurationException(CurationError.UnsupportedMedia, $"{what} must be a JSON array of tracks (or an object with a 'tracks' array).")
            : new MetadataDocument(root!, entries);
    }

    /// <summary>Reads a playlist's metadata.json (a missing file is an empty playlist).</summary>
    public static async Task<MetadataDocument> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return CreateEmpty();
        }
        var length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            throw new CurationException(CurationError.TooLarge, $"{Describe(path)} is {length} bytes (limit {maxBytes}).");
        }
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        try
        {
            return Parse(bytes, Describe(path));
        }
        catch (CurationException ex)
        {
            // A broken file is not overwritten by an edit: the admin imports a good one (or fixes it) first.
            throw new CurationException(CurationError.Conflict, ex.Message + " Import a valid metadata.json for this playlist first.");
        }
    }

    public byte[] ToUtf8Bytes() => System.Text.Encoding.UTF8.GetBytes(_root.ToJsonString(WriteOptions) + "\n");

    public Task SaveAsync(string path, CancellationToken cancellationToken) => AtomicFile.WriteAllBytesAsync(path, ToUtf8Bytes(), cancellationToken);

    /// <summary>The entry whose file path resolves to <paramref name="fileFullPath"/> (in <paramref name="playlistFolder"/>), or null.</summary>
    public JsonObject? Find(string playlistFolder, string fileFullPath) =>
        Entries.OfType<JsonObject>().FirstOrDefault(e => FileOf(e) is { } f && string.Equals(Resolve(playlistFolder, f), fileFullPath, StringComparison.Ordinal));

    /// <summary>The entry's <c>filepath</c> (or the <c>file</c>/<c>path</c> the loader also accepts).</summary>
    public static string? FileOf(JsonObject entry)
    {
        foreach (var key in new[] { "filepath", "file", "path" })
        {
            if (entry[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                return v.GetValue<string>();
            }
        }
        return null;
    }

    /// <summary>The absolute path an entry's file path means, the way the loader reads it (relative to the playlist folder).</summary>
    public static string? Resolve(string playlistFolder, string filepath)
    {
        if (string.IsNullOrWhiteSpace(filepath) || filepath.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }
        var normalized = filepath.Replace('\\', '/');
        try
        {
            return Path.GetFullPath(Path.IsPathRooted(normalized) ? normalized : Path.Combine(playlistFolder, normalized));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks every entry of an imported document for <paramref name="playlistFolder"/>: an object with a file path
    /// inside the playlist folder (no link out of it) that exists and appears once, and well-typed optional fields.
    /// Returns one line per bad entry.
    /// </summary>
    public IReadOnlyList<(int Index, string Problem)> Validate(string playlistFolder)
    {
        var problems = new List<(int, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Entries.Count; i++)
        {
            if (Entries[i] is not JsonObject entry)
            {
                problems.Add((i, $"entry {i} is not an object"));
                continue;
            }
            var file = FileOf(entry);
            var full = file is null ? null : Resolve(playlistFolder, file);
            if (file is null || full is null)
            {
                problems.Add((i, $"entry {i} has no valid \"filepath\""));
                continue;
            }
            var folderWithSep = playlistFolder.EndsWith(Path.DirectorySeparatorChar) ? playlistFolder : playlistFolder + Path.DirectorySeparatorChar;
            var real = PathContainment.ResolveReal(full);
            if (!full.StartsWith(folderWithSep, StringComparison.Ordinal) || real is null || !real.StartsWith(folderWithSep, StringComparison.Ordinal))
            {
                problems.Add((i, $"entry {i}: \"{file}\" is not inside the playlist folder"));
                continue;
            }
            if (!File.Exists(real))
            {
                problems.Add((i, $"entry {i}: \"{file}\" does not exist in the playlist folder (upload the audio first)"));
                continue;
            }
            if (!seen.Add(real))
            {
                problems.Add((i, $"entry {i}: \"{file}\" is listed twice"));
                continue;
            }
            foreach (var key in new[] { "title", "artist", "album" })
            {
                if (entry[key] is { } node && node.GetValueKind() != JsonValueKind.String)
                {
                    problems.Add((i, $"entry {i}: \"{key}\" must be a string"));
                }
            }
            if (entry["duration"] is { } duration && ParseDuration(duration) is null)
            {
                problems.Add((i, $"entry {i}: \"duration\" must be seconds (a number ≥ 0) or \"m:ss\""));
            }
            foreach (var key in new[] { "bpm", "bpmOverride" })
            {
                if (entry[key] is { } node && (node.GetValueKind() != JsonValueKind.Number || node.GetValue<double>() is <= 0 or >= 400))
                {
                    problems.Add((i, $"entry {i}: \"{key}\" must be a number between 0 and 400"));
                }
            }
            if (entry["tags"] is { } tags && (tags is not JsonArray array || array.Any(t => t?.GetValueKind() != JsonValueKind.String)))
            {
                problems.Add((i, $"entry {i}: \"tags\" must be an array of strings"));
            }
            if (entry["analysis"] is { } analysis && analysis is not JsonObject)
            {
                problems.Add((i, $"entry {i}: \"analysis\" must be an object"));
            }
        }
        return problems;
    }

    /// <summary>Keeps only the entries whose index is not in <paramref name="drop"/>.</summary>
    public void RemoveEntries(IEnumerable<int> drop)
    {
        foreach (var i in drop.Distinct().OrderDescending())
        {
            Entries.RemoveAt(i);
        }
    }

    private static double? ParseDuration(JsonNode node)
    {
        if (node.GetValueKind() == JsonValueKind.Number)
        {
            var d = node.GetValue<double>();
            return d >= 0 && double.IsFinite(d) ? d : null;
        }
        if (node.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }
        double total = 0;
        foreach (var part in node.GetValue<string>().Split(':'))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0)
            {
                return null;
            }
            total = total * 60 + p;
        }
        return total;
    }

    private static string Describe(string path) => $"'{Path.GetFileName(Path.GetDirectoryName(path))}/{Path.GetFileName(path)}'";
}
