using System.Text.Json;
using System.Text.Json.Nodes;
using BlazorMood.Music.Library;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Analysis;

/// <summary>
/// Fills in the <c>analysis</c> object of metadata.json entries that lack one (music a user added by hand), so the
/// context recommender knows their tempo, loudness, key, attack density and estimated mood. Other fields and entry order are kept; entries
/// the loader rejects are left alone. The file is replaced atomically, which the library watcher then picks up.
/// </summary>
public sealed class MetadataAnalysisWriter
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    private readonly AudioAnalyzer _analyzer;
    private readonly ILogger<MetadataAnalysisWriter> _logger;

    public MetadataAnalysisWriter(AudioAnalyzer analyzer, ILogger<MetadataAnalysisWriter> logger)
    {
        _analyzer = analyzer;
        _logger = logger;
    }

    /// <summary>Analyses every valid track of <paramref name="snapshot"/> without analysis; returns how many were written.</summary>
    public async Task<int> AnalyzeMissingAsync(LibrarySnapshot snapshot, bool overwrite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var written = 0;
        foreach (var playlist in snapshot.Playlists)
        {
            var path = Path.Combine(snapshot.RootPath, playlist.Name, PlaylistLoader.MetadataFileName);
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            }
            catch (Exception ex) when (ex is JsonException or IOException)
            {
                _logger.LogWarning(ex, "Skipping {Path}: cannot be read as JSON", path);
                continue;
            }
            var entries = root as JsonArray ?? root?["tracks"] as JsonArray;
            if (entries is null)
            {
                continue;
            }
            var byFile = playlist.Tracks.ToDictionary(t => t.FullPath, StringComparer.Ordinal);
            var changed = 0;
            foreach (var entry in entries.OfType<JsonObject>())
            {
                var file = (entry["filepath"] ?? entry["file"] ?? entry["path"])?.GetValueKind() == JsonValueKind.String
                    ? (string?)(entry["filepath"] ?? entry["file"] ?? entry["path"]) : null;
                if (file is null || (!overwrite && entry["analysis"] is JsonObject))
                {
                    continue;
                }
                var full = PathContainment.ResolveReal(Path.GetFullPath(Path.Combine(snapshot.RootPath, playlist.Name, file.Replace('\\', '/'))));
                if (full is null || !byFile.TryGetValue(full, out var track))
                {
                    continue;
                }
                try
                {
                    var f = await _analyzer.AnalyzeAsync(track.FullPath, cancellationToken);
                    var analysis = new JsonObject();
                    if (f.Bpm is { } bpm)
                    {
                        analysis["bpm"] = Math.Round(bpm, 2);
                    }
                    analysis["tempoConfidence"] = Math.Round(f.TempoConfidence, 2);
                    analysis["energyDb"] = Math.Round(f.EnergyDb, 1);
                    analysis["brightnessHz"] = Math.Round(f.BrightnessHz, 0);
                    if (f.LoudnessLufs is { } lufs)
                    {
                        analysis["loudnessLufs"] = Math.Round(lufs, 1);
                    }
                    if (f.Key is not null && f.Mode is not null)
                    {
                        analysis["key"] = f.Key;
                        analysis["mode"] = f.Mode;
                        analysis["keyClarity"] = f.KeyClarity is { } clarity ? Math.Round(clarity, 2) : null;
                    }
                    if (f.ModeContrast is { } contrast)
                    {
                        analysis["modeContrast"] = Math.Round(contrast, 3);
                    }
                    if (f.OnsetsPerSecond is { } onsets)
                    {
                        analysis["onsetsPerSecond"] = Math.Round(onsets, 2);
                    }
                    if (f.Valence is { } valence && f.Arousal is { } arousal)
                    {
                        analysis["valence"] = Math.Round(valence, 3);
                        analysis["arousal"] = Math.Round(arousal, 3);
                    }
                    entry["analysis"] = analysis;
                    if (entry["duration"] is null)
                    {
                        entry["duration"] = Math.Round(f.DurationSeconds, 2);
                    }
                    changed++;
                }
                catch (AudioAnalysisException ex)
                {
                    // One undecodable file must not stop the rest.
                    _logger.LogWarning(ex, "Cannot analyse {Path}", track.FullPath);
                }
            }
            if (changed > 0)
            {
                var tmp = path + ".tmp";
                await File.WriteAllTextAsync(tmp, root!.ToJsonString(WriteOptions) + "\n", cancellationToken);
                File.Move(tmp, path, overwrite: true);
                written += changed;
                _logger.LogInformation("Wrote analysis of {Count} tracks to {Path}", changed, path);
            }
        }
        return written;
    }
}
