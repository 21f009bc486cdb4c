using BlazorMood.Music.Analysis;
using Microsoft.Extensions.Logging;

namespace BlazorMood.Music.Subsonic;

/// <summary>
/// Tags a Subsonic song like a local track: streams it once into a temporary file (bounded in size), runs the same
/// <see cref="AudioAnalyzer"/> on it, and deletes the file whatever happens.
/// </summary>
public sealed partial class SubsonicTrackAnalyzer
{
    /// <summary>Largest download analysed; longer songs are cut here (analysis reads the first minutes anyway).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private readonly SubsonicClient _client;
    private readonly AudioAnalyzer _analyzer;
    private readonly ILogger<SubsonicTrackAnalyzer> _logger;

    public SubsonicTrackAnalyzer(SubsonicClient client, AudioAnalyzer analyzer, ILogger<SubsonicTrackAnalyzer> logger)
    {
        _client = client;
        _analyzer = analyzer;
        _logger = logger;
    }

    public async Task<AudioFeatures> AnalyzeAsync(SubsonicConnection connection, SubsonicSong song, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(song);
        var path = Path.Combine(Path.GetTempPath(), $"bm-subsonic-{Guid.NewGuid():N}.{SafeSuffix(song.Suffix)}");
        try
        {
            using (var response = await _client.OpenStreamAsync(connection, song.Id, null, cancellationToken))
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while (total < MaxBytes && (n = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, MaxBytes - total)), cancellationToken)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                    total += n;
                }
            }
            var features = await _analyzer.AnalyzeAsync(path, cancellationToken);
            LogTagged(_logger, song.Id, connection.BaseUrl, features.Bpm, features.LoudnessLufs);
            return features;
        }
        finally
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "Could not delete the temporary download {Path}", path);
            }
        }
    }

    /// <summary>ffmpeg picks demuxers by content, but a plausible extension helps; anything odd becomes "audio".</summary>
    private static string SafeSuffix(string? suffix) =>
        suffix is { Length: > 0 and <= 8 } s && s.All(char.IsAsciiLetterOrDigit) ? s.ToLowerInvariant() : "audio";

    [LoggerMessage(Level = LogLevel.Information, Message = "Tagged Subsonic song {SongId} from {BaseUrl}: {Bpm} BPM, {LoudnessLufs} LUFS")]
    private static partial void LogTagged(ILogger logger, string songId, Uri baseUrl, double? bpm, double? loudnessLufs);
}
