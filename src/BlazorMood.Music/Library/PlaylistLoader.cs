using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Library;

/// <summary>
/// Reads <c>&lt;root&gt;/&lt;playlist&gt;/metadata.json</c> files into a <see cref="LibrarySnapshot"/>. Every problem is
/// logged and listed in the snapshot, and the bad entry (or file) is skipped: a broken library never stops the app.
/// </summary>
/// <remarks>
/// metadata.json is the original system's format: a JSON array of <c>{title, artist, duration, filepath}</c>, with
/// <c>filepath</c> relative to the playlist folder. An object with a <c>tracks</c> array is accepted too. Optional
/// extras per entry: <c>bpm</c>, and <c>analysis: {bpm, energyDb, brightnessHz, loudnessLufs, key, mode, onsetsPerSecond,
/// valence, arousal}</c> (measured values win), and from
/// curation <c>bpmOverride</c> (an admin's correction, wins over both) and <c>tags</c> (an array of strings).
/// </remarks>
public sealed class PlaylistLoader
{
    public const string MetadataFileName = "metadata.json";

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 };

    private readonly ILogger<PlaylistLoader> _logger;
    private readonly TimeProvider _time;

    public PlaylistLoader(ILogger<PlaylistLoader> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    public LibrarySnapshot Load(string rootPath, long maxMetadataBytes, CancellationToken cancellationToken = default)
    {
        var rootFull = Path.GetFullPath(rootPath);
        var problems = new List<LibraryProblem>();
        var rootReal = Directory.Exists(rootFull) ? PathContainment.ResolveReal(rootFull) : null;
        if (rootReal is null || !Directory.Exists(rootReal))
        {
            Report(problems, new LibraryProblem(null, null, LibraryProblemKind.LibraryMissing, $"The music library folder '{rootFull}' does not exist."));
            return new LibrarySnapshot(rootFull, [], problems, _time.GetUtcNow());
        }

        var playlists = new List<Playlist>();
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories(rootReal).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(dir);
            if (name.StartsWith('.'))
            {
                continue;
            }
            var tracks = LoadPlaylist(rootReal, dir, name, maxMetadataBytes, seenIds, problems);
            if (tracks is not null)
            {
                playlists.Add(new Playlist(name, tracks));
            }
        }

        foreach (var required in PlaylistNames.Required)
        {
            if (!playlists.Any(p => p.Name == required))
            {
                Report(problems, new LibraryProblem(required, null, LibraryProblemKind.PlaylistMissing, $"Playlist '{required}' is missing."));
            }
        }

        var snapshot = new LibrarySnapshot(rootReal, playlists, problems, _time.GetUtcNow());
        _logger.LogInformation("Music library {Root}: {Playlists} playlists, {Tracks} tracks, {Problems} problems",
            rootReal, playlists.Count, snapshot.Tracks.Count, problems.Count);
        return snapshot;
    }

    private List<Track>? LoadPlaylist(string rootReal, string dir, string name, long maxBytes, HashSet<string> seenIds, List<LibraryProblem> problems)
    {
        var metadataPath = Path.Combine(dir, MetadataFileName);
        var metadataReal = File.Exists(metadataPath) ? PathContainment.ResolveReal(metadataPath) : null;
        if (metadataReal is null || !File.Exists(metadataReal))
        {
            Report(problems, new LibraryProblem(name, null, LibraryProblemKind.MetadataMissing, $"'{name}' has no {MetadataFileName}."));
            return null;
        }
        if (!PathContainment.IsInside(rootReal, metadataReal))
        {
            Report(problems, new LibraryProblem(name, null, LibraryProblemKind.PathOutsideLibrary, $"'{name}/{MetadataFileName}' links outside the library."));
            return null;
        }

        JsonDocument doc;
        try
        {
            var length = new FileInfo(metadataReal).Length;
            if (length > maxBytes)
            {
                Report(problems, new LibraryProblem(name, null, LibraryProblemKind.MetadataTooLarge, $"'{name}/{MetadataFileName}' is {length} bytes (limit {maxBytes})."));
                return null;
            }
            using var stream = File.OpenRead(metadataReal);
            doc = JsonDocument.Parse(stream, JsonOptions);
        }
        catch (JsonException ex)
        {
            Report(problems, new LibraryProblem(name, null, LibraryProblemKind.BrokenJson, $"'{name}/{MetadataFileName}' is not valid JSON: {ex.Message}"));
            return null;
        }
        catch (IOException ex)
        {
            Report(problems, new LibraryProblem(name, null, LibraryProblemKind.BrokenJson, $"'{name}/{MetadataFileName}' could not be read: {ex.Message}"));
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            Report(problems, new LibraryProblem(name, null, LibraryProblemKind.BrokenJson, $"'{name}/{MetadataFileName}' could not be read: {ex.Message}"));
            return null;
        }

        using (doc)
        {
            var entries = doc.RootElement.ValueKind switch
            {
                JsonValueKind.Array => doc.RootElement,
                JsonValueKind.Object when doc.RootElement.TryGetProperty("tracks", out var t) && t.ValueKind == JsonValueKind.Array => t,
                _ => default,
            };
            if (entries.ValueKind != JsonValueKind.Array)
            {
                Report(problems, new LibraryProblem(name, null, LibraryProblemKind.BrokenJson, $"'{name}/{MetadataFileName}' must be an array of tracks (or an object with a 'tracks' array)."));
                return null;
            }

            var tracks = new List<Track>();
            var index = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                var track = ReadEntry(rootReal, dir, name, index, entry, problems);
                if (track is not null)
                {
                    if (seenIds.Add(track.Id))
                    {
                        tracks.Add(track);
                    }
                    else
                    {
                        Report(problems, new LibraryProblem(name, index, LibraryProblemKind.DuplicateEntry, $"'{name}' entry {index} repeats '{track.RelativePath}'."));
                    }
                }
                index++;
            }
            return tracks;
        }
    }

    private Track? ReadEntry(string rootReal, string dir, string playlist, int index, JsonElement entry, List<LibraryProblem> problems)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            Report(problems, new LibraryProblem(playlist, index, LibraryProblemKind.InvalidEntry, $"'{playlist}' entry {index} is not an object."));
            return null;
        }
        var filepath = GetString(entry, "filepath") ?? GetString(entry, "file") ?? GetString(entry, "path");
        if (string.IsNullOrWhiteSpace(filepath) || filepath.Contains('\0', StringComparison.Ordinal))
        {
            Report(problems, new LibraryProblem(playlist, index, LibraryProblemKind.InvalidEntry, $"'{playlist}' entry {index} has no filepath."));
            return null;
        }

        // The original files were written on several systems; accept backslashes as separators.
        var normalized = filepath.Replace('\\', '/');
        string? real;
        try
        {
            var candidate = Path.GetFullPath(Path.IsPathRooted(normalized) ? normalized : Path.Combine(dir, normalized));
            // Containment is checked twice: lexically (catches ../ even when the target does not exist) and after
            // resolving links (catches a link inside the library pointing out of it).
            real = PathContainment.IsInside(rootReal, candidate) ? PathContainment.ResolveReal(candidate) : null;
            if (real is null || !PathContainment.IsInside(rootReal, real))
            {
                Report(problems, new LibraryProblem(playlist, index, LibraryProblemKind.PathOutsideLibrary, $"'{playlist}' entry {index}: '{filepath}' lies outside the library."));
                return null;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            Report(problems, new LibraryProblem(playlist, index, LibraryProblemKind.InvalidEntry, $"'{playlist}' entry {index}: '{filepath}' is not a valid path."));
            return null;
        }
        if (!File.Exists(real))
        {
            Report(problems, new LibraryProblem(playlist, index, LibraryProblemKind.FileMissing, $"'{playlist}' entry {index}: '{filepath}' does not exist."));
            return null;
        }

        var relative = Path.GetRelativePath(rootReal, real).Replace('\\', '/');
        var title = GetString(entry, "title");
        var artist = GetString(entry, "artist");
        var duration = GetDuration(entry);
        double? bpm = GetNumber(entry, "bpm");
        double? energy = null, brightness = null, lufs = null, onsets = null, valence = null, arousal = null;
        string? key = null, mode = null;
        if (entry.TryGetProperty("analysis", out var analysis) && analysis.ValueKind == JsonValueKind.Object)
        {
            bpm = GetNumber(analysis, "bpm") ?? bpm;
            energy = GetNumber(analysis, "energyDb");
            brightness = GetNumber(analysis, "brightnessHz");
            lufs = GetNumber(analysis, "loudnessLufs") is > -100 and < 10 and var l ? l : null;
            onsets = GetNumber(analysis, "onsetsPerSecond") is >= 0 and < 100 and var d ? d : null;
            valence = GetNumber(analysis, "valence") is >= 0 and <= 1 and var v ? v : null;
            arousal = GetNumber(analysis, "arousal") is >= 0 and <= 1 and var a ? a : null;
            key = GetString(analysis, "key") is { } k && KeyNames.Contains(k) ? k : null;
            mode = GetString(analysis, "mode") is "major" or "minor" ? GetString(analysis, "mode") : null;
        }
        // An admin's override corrects a measurement (the octave errors of slow music), so it wins over both.
        var bpmOverride = GetNumber(entry, "bpmOverride") is > 0 and < 400 and var o ? o : (double?)null;
        bpm = bpmOverride ?? bpm;
        return new Track(
            MakeId(relative),
            playlist,
            string.IsNullOrWhiteSpace(title) ? Path.GetFileNameWithoutExtension(real) : title.Trim(),
            string.IsNullOrWhiteSpace(artist) ? "Unknown artist" : artist.Trim(),
            duration ?? 0,
            relative,
            real,
            new TrackFeatures(bpm is > 0 and < 400 ? bpm : null, energy, brightness is > 0 ? brightness : null)
            {
                LoudnessLufs = lufs,
                Key = key,
                Mode = key is null ? null : mode,
                OnsetsPerSecond = onsets,
                Valence = arousal is null ? null : valence,
                Arousal = valence is null ? null : arousal,
            })
        {
            Tags = GetTags(entry),
            BpmOverride = bpmOverride,
        };
    }

    /// <summary>The entry's <c>tags</c>: trimmed, non-empty strings, at most 32 (anything else in the array is ignored).</summary>
    private static IReadOnlyList<string> GetTags(JsonElement entry)
    {
        if (!entry.TryGetProperty("tags", out var tags) || tags.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var list = new List<string>();
        foreach (var tag in tags.EnumerateArray())
        {
            if (tag.ValueKind == JsonValueKind.String && tag.GetString()?.Trim() is { Length: > 0 } text && list.Count < 32 && !list.Contains(text))
            {
                list.Add(text);
            }
        }
        return list;
    }

    /// <summary>A short hash of the library-relative path: stable across reloads and safe in a URL.</summary>
    public static string MakeId(string relativePath)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(relativePath));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private void Report(List<LibraryProblem> problems, LibraryProblem problem)
    {
        problems.Add(problem);
        _logger.LogWarning("Music library problem {Kind} in {Playlist} entry {Entry}: {Message}", problem.Kind, problem.Playlist, problem.Entry, problem.Message);
    }

    private static readonly HashSet<string> KeyNames = new(Analysis.KeyEstimator.PitchClasses, StringComparer.Ordinal);

    private static string? GetString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? GetNumber(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }
        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) ? s : null;
    }

    /// <summary>Seconds as a number, or "m:ss" / "h:mm:ss" as the original files sometimes have.</summary>
    private static double? GetDuration(JsonElement e)
    {
        if (GetNumber(e, "duration") is { } seconds)
        {
            return seconds >= 0 ? seconds : null;
        }
        var text = GetString(e, "duration");
        if (text is null)
        {
            return null;
        }
        double total = 0;
        foreach (var part in text.Split(':'))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0)
            {
                return null;
            }
            total = total * 60 + p;
        }
        return total;
    }
}
