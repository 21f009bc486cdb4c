using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using BlazorMood.Media;
using CliWrap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Analysis;

/// <summary>
/// Decodes a track with ffmpeg to mono 22,050 Hz float PCM on stdout and measures it while streaming: the audio is
/// never held in memory, only ~170 onset values per second. The same ffmpeg run measures integrated loudness with
/// its <c>ebur128</c> filter (EBU R128) on the original channels before the downmix, and prints the summary on stderr. Runs are bounded in number
/// (<see cref="FfmpegOptions.MaxConcurrentAudioProcesses"/>) and time (<see cref="FfmpegOptions.AudioProcessTimeout"/>); a
/// timed-out or cancelled ffmpeg is killed with its children (CliWrap).
/// </summary>
public sealed class AudioAnalyzer : IDisposable
{
    public const int SampleRate = 22050;
    private const int MaxStderrChars = 8192;

    private readonly AudioAnalysisOptions _options;
    private readonly FfmpegOptions _ffmpeg;
    private readonly ILogger<AudioAnalyzer> _logger;
    private readonly SemaphoreSlim _slots;

    public AudioAnalyzer(IOptions<MusicOptions> options, IOptions<FfmpegOptions> ffmpeg, ILogger<AudioAnalyzer> logger)
    {
        _options = options.Value.Analysis;
        _ffmpeg = ffmpeg.Value;
        _logger = logger;
        _slots = new SemaphoreSlim(Math.Max(1, _ffmpeg.MaxConcurrentAudioProcesses));
    }

    public Task<AudioFeatures> AnalyzeAsync(string path, CancellationToken cancellationToken = default) => AnalyzeAsync(path, null, cancellationToken);

    /// <summary>Analyses <paramref name="path"/>, reporting the seconds of audio decoded so far (for progress displays).</summary>
    public async Task<AudioFeatures> AnalyzeAsync(string path, IProgress<double>? decodedSeconds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("Audio file not found.", path);
        }
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await RunAsync(path, decodedSeconds, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<AudioFeatures> RunAsync(string path, IProgress<double>? decodedSeconds, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // -xerror: a corrupt stream is an error, not a silently shorter decode. "-t" bounds the work for long files.
        // Library files may also be placed by hand, so ffmpeg reads the local file only, with audio demuxers only
        // (those of uploads plus raw AAC and WebM, which the library serves): never a playlist naming other files.
        string[] arguments =
        [
            // Info level: the ebur128 summary is an info message (its per-frame log is verbose, so hidden); -nostats keeps the progress line out.
            "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info", "-xerror",
            "-protocol_whitelist", "file", "-format_whitelist", "mp3,ogg,wav,flac,mov,aac,matroska", "-i", path,
            "-t", _options.MaxDuration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-vn", "-af", "ebur128=framelog=verbose", "-f", "f32le", "-ac", "1", "-ar", SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "pipe:1",
        ];

        var acc = new FeatureAccumulator(SampleRate);
        // Only the tail of stderr is kept: both the error message and the loudness summary are there.
        var stderr = new ExternalProcess.TextTail(MaxStderrChars);
        var command = Cli.Wrap(_ffmpeg.FfmpegPath)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.Create((stdout, ct) => MeasureAsync(stdout, acc, decodedSeconds, ct)))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(stderr.AppendLine));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_ffmpeg.AudioProcessTimeout);
        CommandResult result;
        try
        {
            result = await command.ExecuteAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new AudioAnalysisException(ExternalProcess.NotStarted(_ffmpeg.FfmpegPath, ex).Message, ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AudioAnalysisException($"ffmpeg timed out after {_ffmpeg.AudioProcessTimeout.TotalSeconds:0.#} s on '{path}' (Ffmpeg:AudioProcessTimeout).");
        }

        if (result.ExitCode != 0)
        {
            throw new AudioAnalysisException($"ffmpeg exited with {result.ExitCode} on '{path}': {ErrorLines(stderr.ToString())}");
        }
        if (acc.Samples == 0)
        {
            throw new AudioAnalysisException($"ffmpeg decoded no audio from '{path}'.");
        }

        var features = Measure(acc, SampleRate, IntegratedLoudness(stderr.ToString()));
        _logger.LogInformation("Analysed {Path}: {Duration:0.0} s, {Bpm} BPM (confidence {Confidence:0.00}), {LoudnessLufs} LUFS, {Key} {Mode}, {OnsetsPerSecond} onsets/s, centroid {BrightnessHz:0} Hz, valence {Valence} arousal {Arousal} in {ElapsedMs:0} ms",
            path, features.DurationSeconds, features.Bpm, features.TempoConfidence, features.LoudnessLufs, features.Key, features.Mode, features.OnsetsPerSecond,
            features.BrightnessHz, features.Valence, features.Arousal, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return features;
    }

    /// <summary>Feeds ffmpeg's float PCM to the accumulator as it arrives (the pipe's backpressure paces ffmpeg).</summary>
    private static async Task MeasureAsync(Stream stdout, FeatureAccumulator acc, IProgress<double>? decodedSeconds, CancellationToken cancellationToken)
    {
        var bytes = new byte[64 * 1024];
        var carry = 0;
        int n;
        while ((n = await stdout.ReadAsync(bytes.AsMemory(carry, bytes.Length - carry), cancellationToken)) > 0)
        {
            var total = carry + n;
            var whole = total / sizeof(float) * sizeof(float);
            acc.Push(MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, whole)));
            decodedSeconds?.Report((double)acc.Samples / SampleRate);
            // A read can end mid-sample; keep the partial bytes for the next read.
            carry = total - whole;
            if (carry > 0)
            {
                bytes.AsSpan(whole, carry).CopyTo(bytes);
            }
        }
    }

    /// <summary>Measures PCM already in memory (tests, the synthesizer's self-check) with the same algorithm; no LUFS (that is ffmpeg's).</summary>
    public AudioFeatures AnalyzeSamples(ReadOnlySpan<float> mono, int sampleRate)
    {
        var acc = new FeatureAccumulator(sampleRate);
        acc.Push(mono);
        return Measure(acc, sampleRate, null);
    }

    private AudioFeatures Measure(FeatureAccumulator acc, int sampleRate, double? loudnessLufs)
    {
        var (bpm, confidence) = TempoEstimator.Estimate(acc.Onsets, acc.FrameRate, _options.TempoPriorBpm, _options.TempoPriorOctaves);
        var key = KeyEstimator.Estimate(acc.Chroma);
        var features = new AudioFeatures((double)acc.Samples / sampleRate, bpm is { } b ? Math.Round(b, 2) : null,
            Math.Round(confidence, 3), Math.Round(acc.RmsDbfs(), 2), Math.Round(acc.CentroidHz(), 1))
        {
            LoudnessLufs = loudnessLufs,
            Key = key?.Tonic,
            Mode = key?.Mode,
            KeyClarity = key is null ? null : Math.Round(key.Clarity, 3),
            ModeContrast = key is null ? null : Math.Round(key.ModeContrast, 3),
            OnsetsPerSecond = Math.Round(acc.OnsetsPerSecond(), 2),
        };
        var (valence, arousal) = MoodEstimator.Estimate(features);
        return features with { Valence = valence, Arousal = arousal };
    }

    /// <summary>
    /// The integrated loudness from the ebur128 filter's summary ("I: -16.3 LUFS"); null when it is missing or at the
    /// filter's floor (-70 LUFS: silence, where the gate leaves nothing to measure).
    /// </summary>
    internal static double? IntegratedLoudness(string stderr)
    {
        var summary = stderr.LastIndexOf("Integrated loudness:", StringComparison.Ordinal);
        if (summary < 0)
        {
            return null;
        }
        var match = System.Text.RegularExpressions.Regex.Match(stderr[summary..], @"I:\s+(-?\d+(?:\.\d+)?)\s+LUFS");
        if (!match.Success || !double.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var lufs))
        {
            return null;
        }
        return lufs <= -69.9 ? null : lufs;
    }

    /// <summary>The error lines of ffmpeg's stderr (info-level stream descriptions dropped), for the exception message.</summary>
    private static string ErrorLines(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Input #", StringComparison.Ordinal) && !l.StartsWith("Output #", StringComparison.Ordinal)
                && !l.StartsWith("Stream", StringComparison.Ordinal) && !l.StartsWith("Metadata", StringComparison.Ordinal)
                && !l.StartsWith("Duration", StringComparison.Ordinal) && !l.Contains(" : ", StringComparison.Ordinal))
            .ToList();
        var text = string.Join(" ", lines.TakeLast(6));
        return text.Length > 0 ? text : stderr.Trim();
    }

    public void Dispose() => _slots.Dispose();
}
