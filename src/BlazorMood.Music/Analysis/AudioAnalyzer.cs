using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Music.Analysis;

/// <summary>
/// Decodes a track with ffmpeg to mono 22,050 Hz float PCM on stdout and measures it while streaming: the audio is
/// never held in memory, only ~170 onset values per second. Runs are bounded in number
/// (<see cref="AudioAnalysisOptions.MaxConcurrency"/>) and time (<see cref="AudioAnalysisOptions.Timeout"/>); a
/// timed-out or cancelled ffmpeg is killed.
/// </summary>
public sealed class AudioAnalyzer : IDisposable
{
    public const int SampleRate = 22050;
    private const int MaxStderrChars = 4096;

    private readonly AudioAnalysisOptions _options;
    private readonly ILogger<AudioAnalyzer> _logger;
    private readonly SemaphoreSlim _slots;

    public AudioAnalyzer(IOptions<MusicOptions> options, ILogger<AudioAnalyzer> logger)
    {
        _options = options.Value.Analysis;
        _logger = logger;
        _slots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrency));
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
        var psi = new ProcessStartInfo(_options.FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        // -xerror: a corrupt stream is an error, not a silently shorter decode. "-t" bounds the work for long files.
        // Library files may also be placed by hand, so ffmpeg reads the local file only, with audio demuxers only
        // (those of uploads plus raw AAC and WebM, which the library serves): never a playlist naming other files.
        foreach (var arg in (string[])
        [
            "-nostdin", "-hide_banner", "-loglevel", "error", "-xerror",
            "-protocol_whitelist", "file", "-format_whitelist", "mp3,ogg,wav,flac,mov,aac,matroska", "-i", path,
            "-t", _options.MaxDuration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-vn", "-f", "f32le", "-ac", "1", "-ar", SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "pipe:1",
        ])
        {
            psi.ArgumentList.Add(arg);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new AudioAnalysisException($"Cannot start ffmpeg ('{_options.FfmpegPath}'): {ex.Message}", ex);
        }

        var stderr = new StringBuilder();
        var stderrTask = Task.Run(async () =>
        {
            // Drain stderr so ffmpeg never blocks on a full pipe; keep only the head for the error message.
            var buffer = new char[1024];
            int read;
            while ((read = await process.StandardError.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                if (stderr.Length < MaxStderrChars)
                {
                    stderr.Append(buffer, 0, Math.Min(read, MaxStderrChars - stderr.Length));
                }
            }
        }, CancellationToken.None);

        var acc = new FeatureAccumulator(SampleRate);
        try
        {
            await using var stdout = process.StandardOutput.BaseStream;
            var bytes = new byte[64 * 1024];
            var carry = 0;
            int n;
            while ((n = await stdout.ReadAsync(bytes.AsMemory(carry, bytes.Length - carry), timeout.Token)) > 0)
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
            await process.WaitForExitAsync(timeout.Token);
            await stderrTask;
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            try
            {
                // The killed process closes stderr; wait for the drain so no task outlives the process object.
                await stderrTask.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or TimeoutException)
            {
                _logger.LogDebug(ex, "ffmpeg stderr drain ended with an error after kill");
            }
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            throw new AudioAnalysisException($"ffmpeg timed out after {_options.Timeout.TotalSeconds:0} s on '{path}'.");
        }

        if (process.ExitCode != 0)
        {
            throw new AudioAnalysisException($"ffmpeg exited with {process.ExitCode} on '{path}': {stderr.ToString().Trim()}");
        }
        if (acc.Samples == 0)
        {
            throw new AudioAnalysisException($"ffmpeg decoded no audio from '{path}'.");
        }

        var (bpm, confidence) = TempoEstimator.Estimate(acc.Onsets, acc.FrameRate, _options.TempoPriorBpm, _options.TempoPriorOctaves);
        var features = new AudioFeatures((double)acc.Samples / SampleRate, bpm is { } b ? Math.Round(b, 2) : null,
            Math.Round(confidence, 3), Math.Round(acc.RmsDbfs(), 2), Math.Round(acc.CentroidHz(), 1));
        _logger.LogInformation("Analysed {Path}: {Duration:0.0} s, {Bpm} BPM (confidence {Confidence:0.00}), {EnergyDb:0.0} dBFS, centroid {BrightnessHz:0} Hz in {ElapsedMs:0} ms",
            path, features.DurationSeconds, features.Bpm, features.TempoConfidence, features.EnergyDb, features.BrightnessHz, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return features;
    }

    /// <summary>Measures PCM already in memory (tests, the synthesizer's self-check) with the same algorithm.</summary>
    public AudioFeatures AnalyzeSamples(ReadOnlySpan<float> mono, int sampleRate)
    {
        var acc = new FeatureAccumulator(sampleRate);
        acc.Push(mono);
        var (bpm, confidence) = TempoEstimator.Estimate(acc.Onsets, acc.FrameRate, _options.TempoPriorBpm, _options.TempoPriorOctaves);
        return new AudioFeatures((double)acc.Samples / sampleRate, bpm, confidence, acc.RmsDbfs(), acc.CentroidHz());
    }

    private void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            _logger.LogWarning(ex, "Could not kill ffmpeg process {Pid}", process.Id);
        }
    }

    public void Dispose() => _slots.Dispose();
}
