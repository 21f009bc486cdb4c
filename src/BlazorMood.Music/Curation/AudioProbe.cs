using System.Globalization;
using System.Text.Json;
using BlazorMood.Media;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Curation;

/// <summary>What ffprobe found in an accepted upload.</summary>
/// <param name="Extension">The file extension the library will use, chosen from the container and codec, never from the client.</param>
public sealed record ProbedAudio(string Format, string Codec, double DurationSeconds, string Extension);

/// <summary>
/// Decides by content whether a file is a track the library accepts: ffprobe must find a real audio stream in one of
/// the accepted containers (MP3, Ogg Vorbis/Opus/FLAC, Opus, WAV, FLAC, M4A with AAC or ALAC), no video other than
/// cover art, and a duration within <see cref="CurationOptions.MaxTrackDuration"/>. A timed-out
/// (<see cref="FfmpegOptions.ProbeTimeout"/>) or cancelled ffprobe is killed.
/// </summary>
public sealed partial class AudioProbe
{
    private readonly CurationOptions _options;
    private readonly FfmpegOptions _ffmpeg;
    private readonly ILogger<AudioProbe> _logger;

    public AudioProbe(IOptions<CurationOptions> options, IOptions<FfmpegOptions> ffmpeg, ILogger<AudioProbe> logger)
    {
        _options = options.Value;
        _ffmpeg = ffmpeg.Value;
        _logger = logger;
    }

    /// <summary>
    /// The only demuxers ffprobe may use on an upload (mp3, ogg, wav, flac, and mov for M4A), and only the local file
    /// protocol: a playlist or concat script posing as audio must not make ffprobe open other files of the server.
    /// </summary>
    internal const string AcceptedDemuxers = "mp3,ogg,wav,flac,mov";

    /// <summary>The input options that confine ffprobe/ffmpeg to a local file in an accepted container.</summary>
    internal static IReadOnlyList<string> InputWhitelist { get; } = ["-protocol_whitelist", "file", "-format_whitelist", AcceptedDemuxers];

    /// <summary>The accepted formats, for messages and the upload picker.</summary>
    public static IReadOnlyList<string> AcceptedExtensions { get; } = [".mp3", ".ogg", ".opus", ".wav", ".flac", ".m4a"];

    public async Task<ProbedAudio> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var (exitCode, stdout, stderr) = await RunAsync(path, cancellationToken);
        if (exitCode != 0)
        {
            // A container outside the whitelist (a playlist, a concat script…) gets one fixed answer: nothing about
            // what ffprobe saw, let alone about files such a playlist names.
            throw stderr.Contains("not on whitelist", StringComparison.Ordinal)
                ? Unsupported("it is not in an accepted container (MP3, Ogg, WAV, FLAC, M4A).")
                : Unsupported($"ffprobe cannot read it as audio ({FirstLine(stderr)}).");
        }
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(stdout).RootElement;
        }
        catch (JsonException)
        {
            throw Unsupported("ffprobe's answer could not be read.");
        }
        var format = root.TryGetProperty("format", out var f) && f.TryGetProperty("format_name", out var fn) ? fn.GetString() ?? "" : "";
        var audio = new List<JsonElement>();
        var video = false;
        if (root.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in streams.EnumerateArray())
            {
                var type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                var coverArt = s.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var ap) && ap.ValueKind == JsonValueKind.Number && ap.GetInt32() == 1;
                if (type == "audio")
                {
                    audio.Add(s);
                }
                else if (type == "video" && !coverArt)
                {
                    video = true;
                }
            }
        }
        if (audio.Count == 0)
        {
            throw Unsupported("it has no audio stream.");
        }
        if (video)
        {
            throw Unsupported("it is a video; upload audio only.");
        }
        var codec = audio[0].TryGetProperty("codec_name", out var c) ? c.GetString() ?? "" : "";
        var extension = ExtensionFor(format, codec)
            ?? throw Unsupported($"{format}/{codec} is not an accepted format (MP3, Ogg Vorbis or Opus, WAV, FLAC, M4A with AAC or ALAC).");
        var duration = Seconds(f, "duration") ?? Seconds(audio[0], "duration");
        if (duration is not > 0)
        {
            throw Unsupported("its duration cannot be determined or is zero.");
        }
        if (duration > _options.MaxTrackDuration.TotalSeconds)
        {
            throw new CurationException(CurationError.TooLarge,
                $"The track is {TimeSpan.FromSeconds(duration.Value):h\\:mm\\:ss} long; the limit is {_options.MaxTrackDuration:h\\:mm\\:ss}.");
        }
        LogProbed(_logger, format, codec, duration.Value);
        return new ProbedAudio(format, codec, Math.Round(duration.Value, 2), extension);
    }

    /// <summary>The library extension for an ffprobe container and codec; null when the pair is not accepted.</summary>
    internal static string? ExtensionFor(string format, string codec)
    {
        var formats = format.Split(',');
        if (formats.Contains("mp3") && codec == "mp3")
        {
            return ".mp3";
        }
        if (formats.Contains("ogg"))
        {
            return codec switch
            {
                "opus" => ".opus",
                "vorbis" or "flac" => ".ogg",
                _ => null,
            };
        }
        if (formats.Contains("wav") && codec.StartsWith("pcm_", StringComparison.Ordinal))
        {
            return ".wav";
        }
        if (formats.Contains("flac") && codec == "flac")
        {
            return ".flac";
        }
        if (formats.Contains("m4a") && codec is "aac" or "alac")
        {
            return ".m4a";
        }
        return null;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string path, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-v", "error", "-hide_banner", .. InputWhitelist, "-show_entries", "format=format_name,duration:stream=codec_type,codec_name,duration:stream_disposition=attached_pic",
            "-of", "json", "-i", path,
        ];
        try
        {
            var output = await ExternalProcess.RunAsync(_ffmpeg.FfprobePath, arguments, _ffmpeg.ProbeTimeout, cancellationToken);
            return (output.ExitCode, output.StandardOutput, output.StandardError);
        }
        catch (ExternalProcessException ex) when (ex.TimedOut)
        {
            throw Unsupported($"ffprobe took longer than {_ffmpeg.ProbeTimeout.TotalSeconds:0} s.");
        }
        catch (ExternalProcessException ex)
        {
            throw new CurationException(CurationError.Invalid, ex.Message, inner: ex);
        }
    }

    private static double? Seconds(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
        && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no detail";
        // "[mp3 @ 0x55d0…] …": the demuxer's name and an address of ffprobe's memory say nothing useful.
        line = System.Text.RegularExpressions.Regex.Replace(line, @"^\[[^\]]*@ 0x[0-9a-f]+\]\s*", "");
        // ffprobe names the temp file; the admin knows the file by the name they picked.
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        return colon >= 0 ? line[(colon + 2)..] : line;
    }

    private static CurationException Unsupported(string why) => new(CurationError.UnsupportedMedia, "Not an accepted audio file: " + why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probed upload: {Format}/{Codec}, {Duration} s")]
    private static partial void LogProbed(ILogger logger, string format, string codec, double duration);
}
