using System.Globalization;
using System.Text.Json;
using BlazorMood.Media;
using FFMpegCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Video;

/// <summary>
/// The one place the app talks to FFmpeg: probing and validating uploads (FFMpegCore's ffprobe wrapper plus a packet
/// count), decoding sampled rgb24 frames from ffmpeg's stdout, and encoding annotated frames fed to its stdin into an
/// H.264 MP4. Every process holds a slot of a process-wide semaphore (so a burst of uploads cannot start dozens of
/// ffmpegs on a small machine), runs under a timeout, and is killed with its children on cancellation. Failures are
/// <see cref="VideoProcessingException"/>s with messages fit for users; ffmpeg's own output goes to the logs.
/// </summary>
public sealed partial class FfmpegService : IDisposable
{
    private readonly VideoOptions _options;
    private readonly FfmpegOptions _ffmpeg;
    private readonly ILogger<FfmpegService> _logger;
    private readonly SemaphoreSlim _slots;
    // Taking several slots is serialised so two pipelines each holding one slot cannot wait on each other forever.
    private readonly SemaphoreSlim _multiSlotGate = new(1, 1);
    private readonly FFOptions _ffOptions;
    private int _running;

    public FfmpegService(IOptions<VideoOptions> options, IOptions<FfmpegOptions> ffmpeg, ILogger<FfmpegService> logger)
    {
        _options = options.Value;
        _ffmpeg = ffmpeg.Value;
        _logger = logger;
        _slots = new SemaphoreSlim(Math.Max(1, _ffmpeg.MaxConcurrentVideoProcesses));
        _ffOptions = new FFOptions { BinaryFolder = _ffmpeg.BinaryFolder };
    }

    /// <summary>
    /// Input options of every ffprobe/ffmpeg run on an upload: read the local file only (no network, no other
    /// protocol), and only with the demuxers of <see cref="VideoOptions.AllowedFormats"/>. Without them an uploaded
    /// HLS playlist or concat script named clip.mp4 makes ffmpeg read whatever server file it names; with them
    /// it fails at once, the same way whether or not that file exists.
    /// </summary>
    private string[] InputWhitelist => ["-protocol_whitelist", "file", "-format_whitelist", _options.AllowedFormats];

    /// <summary>A non-empty comma-separated list of demuxer names (letters, digits, underscores).</summary>
    public static bool IsValidFormatList(string? formats) =>
        !string.IsNullOrWhiteSpace(formats)
        && formats.Split(',').All(f => f.Length > 0 && f.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));

    /// <summary>ffmpeg/ffprobe processes this service is running now.</summary>
    public int RunningProcesses => Volatile.Read(ref _running);

    /// <summary>
    /// Reserves <paramref name="count"/> process slots at once (a pipeline needs a decoder and an encoder together).
    /// Pass the lease to <see cref="DecodeAsync"/> and <see cref="StartEncoderAsync"/>; dispose it afterwards.
    /// </summary>
    public async Task<IDisposable> ReserveAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        count = Math.Min(count, Math.Max(1, _ffmpeg.MaxConcurrentVideoProcesses));
        await _multiSlotGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var taken = 0;
        try
        {
            for (; taken < count; taken++)
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (taken > 0)
            {
                _slots.Release(taken);
            }
            throw;
        }
        finally
        {
            _multiSlotGate.Release();
        }
        return new Lease(_slots, count);
    }

    /// <summary>
    /// Probes and validates a clip: it must exist, be non-empty and within the size limit, be a real video (not a
    /// still image or audio), within the duration and resolution limits, and its packets must all be present (a
    /// truncated faststart MP4 declares every frame in its index but lacks the data).
    /// </summary>
    public async Task<VideoProbe> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new VideoProcessingException(VideoError.NotFound, "The video file was not found.", path);
        }
        if (file.Length == 0)
        {
            throw new VideoProcessingException(VideoError.Empty, "The file is empty (0 bytes).");
        }
        if (file.Length > _options.MaxFileBytes)
        {
            throw new VideoProcessingException(VideoError.TooLarge,
                $"The file is {file.Length / (1024.0 * 1024):F1} MB; the limit is {_options.MaxFileBytes / (1024.0 * 1024):F0} MB.");
        }

        // The stream analysis and the packet count are two ffprobe runs; they run side by side (on a small machine
        // each is mostly process start-up, so this takes one start-up off the wait before decoding can begin).
        using var lease = await ReserveAsync(2, cancellationToken).ConfigureAwait(false);
        using var stopCount = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var countTask = CountPacketsAsync(path, stopCount.Token);
        try
        {
            return await ValidateAsync(path, file, countTask, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stopCount.CancelAsync().ConfigureAwait(false);
            try
            {
                await countTask.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or VideoProcessingException)
            {
                // The first failure is the one reported.
            }
            throw;
        }
    }

    private async Task<VideoProbe> ValidateAsync(string path, FileInfo file, Task<(long Declared, long Present)> countTask, CancellationToken cancellationToken)
    {
        IMediaAnalysis analysis;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_ffmpeg.ProbeTimeout);
            Interlocked.Increment(ref _running);
            try
            {
                analysis = await FFProbe.AnalyseAsync(path, _ffOptions, customArguments: string.Join(" ", InputWhitelist), cancellationToken: timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new VideoProcessingException(VideoError.Timeout, "Reading the video took too long.", $"ffprobe timed out after {_ffmpeg.ProbeTimeout}");
            }
            catch (Exception e) when (e is not OperationCanceledException and not VideoProcessingException)
            {
                LogProbeFailed(e.GetType().Name, e.Message);
                throw new VideoProcessingException(VideoError.NotAVideo, "This file is not a video that can be read (unknown format, or damaged).", e.Message, e);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        var video = analysis.PrimaryVideoStream;
        var format = analysis.Format.FormatName ?? "";
        // ffprobe reads stills and image sequences as one-frame "videos"; they are not clips.
        if (video is null || format.Contains("image2", StringComparison.Ordinal) || format.EndsWith("_pipe", StringComparison.Ordinal))
        {
            throw new VideoProcessingException(VideoError.NotAVideo, "This file is not a video (no video stream; an image or audio file?).", $"format {format}");
        }
        var duration = analysis.Duration > TimeSpan.Zero ? analysis.Duration : video.Duration;
        if (duration <= TimeSpan.Zero)
        {
            throw new VideoProcessingException(VideoError.Corrupt, "The video has no duration; it may be damaged or still being written.", $"format {format}");
        }
        if (duration > _options.MaxDuration)
        {
            throw new VideoProcessingException(VideoError.TooLong,
                $"The video is {FormatDuration(duration)} long; the limit is {FormatDuration(_options.MaxDuration)}.");
        }
        var width = video.Width ?? 0;
        var height = video.Height ?? 0;
        if (width < _options.MinResolution || height < _options.MinResolution ||
            width > _options.MaxResolution || height > _options.MaxResolution)
        {
            throw new VideoProcessingException(VideoError.BadResolution,
                $"The video is {width}×{height}; sides must be between {_options.MinResolution} and {_options.MaxResolution} pixels.");
        }
        var fps = video.AverageFrameRate is > 0 and < 1000 ? video.AverageFrameRate : 0;

        var (declared, present) = await countTask.ConfigureAwait(false);
        // A container that declares its frames (MP4/MOV index) but whose data stops early: the faststart trap.
        if (declared > 0 && present < declared * 0.98 - 1)
        {
            throw new VideoProcessingException(VideoError.Truncated,
                "The video is incomplete (the upload was cut off): only part of its frames are in the file.",
                $"{present} of {declared} packets present");
        }
        if (present == 0)
        {
            throw new VideoProcessingException(VideoError.Corrupt, "The video contains no frames.", "0 packets");
        }

        var probe = new VideoProbe(format, video.CodecName ?? "", width, height, duration, fps, declared > 0 ? declared : present, file.Length, video.Rotation);
        LogProbed(probe.Format, probe.Codec, probe.Width, probe.Height, probe.Duration.TotalSeconds, probe.FrameRate);
        return probe;
    }

    /// <summary>
    /// ffprobe's declared frame count and the packets it could actually read (demuxing only, no decoding: cheap).
    /// Runs in a process slot the caller reserved.
    /// </summary>
    private async Task<(long Declared, long Present)> CountPacketsAsync(string path, CancellationToken cancellationToken)
    {
        string[] args = ["-v", "error", .. InputWhitelist, "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_frames,nb_read_packets", "-of", "json", path];
        var (exit, stdout, stderr) = await RunToEndAsync(_ffmpeg.FfprobePath, args, _ffmpeg.ProbeTimeout, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new VideoProcessingException(VideoError.Corrupt, "The video is damaged and cannot be read.", stderr);
        }
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var stream = doc.RootElement.GetProperty("streams")[0];
            static long Read(JsonElement s, string name) =>
                s.TryGetProperty(name, out var v) && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
            return (Read(stream, "nb_frames"), Read(stream, "nb_read_packets"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            throw new VideoProcessingException(VideoError.Corrupt, "The video is damaged and cannot be read.", e.Message, e);
        }
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunToEndAsync(string binary, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _running);
        try
        {
            var output = await ExternalProcess.RunAsync(binary, args, timeout, cancellationToken).ConfigureAwait(false);
            return (output.ExitCode, output.StandardOutput, output.StandardError);
        }
        catch (ExternalProcessException e) when (e.TimedOut)
        {
            throw new VideoProcessingException(VideoError.Timeout, "Reading the video took too long.", e.Message, e);
        }
        catch (ExternalProcessException e)
        {
            throw new VideoProcessingException(VideoError.Failed, "The video service is not available.", e.Message, e);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>
    /// Decodes the clip's first video stream sampled at <paramref name="fps"/> and scaled to width×height, as rgb24.
    /// Each frame is read into a buffer rented from <paramref name="pool"/> and handed to <paramref name="onFrame"/>, which
    /// owns it from then on (the pipeline writes it into a bounded channel, so a slow consumer pauses ffmpeg through
    /// the pipe rather than piling frames up in memory). Returns the number of frames; throws
    /// <see cref="VideoProcessingException"/> (<see cref="VideoError.Truncated"/>) when far fewer frames came out than
    /// the probe's duration promises — ffmpeg exits 0 on a truncated faststart MP4.
    /// </summary>
    public async Task<int> DecodeAsync(
        string path, VideoProbe probe, double fps, int width, int height,
        System.Buffers.ArrayPool<byte> pool, Func<byte[], int, double, CancellationToken, ValueTask> onFrame,
        IDisposable? lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(onFrame);
        var inv = CultureInfo.InvariantCulture;
        var threads = _options.DecoderThreads > 0 ? _options.DecoderThreads
            : (long)probe.Width * probe.Height <= 1920L * 1080 ? 1 : 0;
        string[] args =
        [
            "-nostdin", "-hide_banner", "-loglevel", "error",
            "-threads", threads.ToString(inv),
            .. (_options.DecoderSkipLoopFilter ? (string[])["-skip_loop_filter", "all"] : []),
            .. InputWhitelist,
            "-i", path,
            "-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", string.Create(inv, $"fps={fps:0.###},scale={width}:{height}:flags=area"),
            "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1",
        ];
        var ownLease = lease is null ? await ReserveAsync(1, cancellationToken).ConfigureAwait(false) : null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_ffmpeg.VideoProcessTimeout);
        Interlocked.Increment(ref _running);
        var frameBytes = width * height * 3;
        var count = 0;
        try
        {
            await using var process = FfmpegProcess.Start(_ffmpeg.FfmpegPath, args, redirectInput: false, cts.Token);
            LogProcessStarted("decode", process.Id);
            var stdout = process.StandardOutput;
            try
            {
                while (true)
                {
                    var buffer = pool.Rent(frameBytes);
                    int read;
                    try
                    {
                        read = await stdout.ReadAtLeastAsync(buffer.AsMemory(0, frameBytes), frameBytes, throwOnEndOfStream: false, cts.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        pool.Return(buffer);
                        throw;
                    }
                    if (read < frameBytes)
                    {
                        // End of stream; a partial last frame is dropped.
                        pool.Return(buffer);
                        break;
                    }
                    await onFrame(buffer, count, count / fps, cts.Token).ConfigureAwait(false);
                    count++;
                }
            }
            catch (Exception) when (cts.IsCancellationRequested || process.WasKilled)
            {
                process.Kill();
                await process.WaitForExitAsync().ConfigureAwait(false);
                ThrowIfStopped(process, _ffmpeg.VideoProcessTimeout, cancellationToken);
                throw;
            }
            catch
            {
                // The consumer failed: stop ffmpeg before passing the error on.
                process.Kill();
                throw;
            }
            var exit = await process.WaitForExitAsync().ConfigureAwait(false);
            ThrowIfStopped(process, _ffmpeg.VideoProcessTimeout, cancellationToken);
            if (exit != 0)
            {
                LogProcessFailed("decode", exit, process.StderrTail);
                throw new VideoProcessingException(VideoError.Corrupt, "The video is damaged and could not be decoded.", $"exit {exit}: {process.StderrTail}");
            }
            var expected = probe.ExpectedSampledFrames(fps);
            if (count < (expected * 0.9) - 1)
            {
                throw new VideoProcessingException(VideoError.Truncated,
                    "The video is incomplete: it ends before its declared length (the upload may have been cut off).",
                    $"decoded {count} of {expected} expected frames; {process.StderrTail}");
            }
            return count;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            ownLease?.Dispose();
        }

    }

    /// <summary>
    /// Starts an H.264 (libx264, yuv420p, +faststart) encoder reading rgb24 frames of width×height at
    /// <paramref name="fps"/>. It writes to a hidden temporary file next to <paramref name="outputPath"/> and moves it
    /// into place only when <see cref="FfmpegEncoder.CompleteAsync"/> succeeds; disposing it before that kills ffmpeg
    /// and deletes the temporary file.
    /// </summary>
    public async Task<FfmpegEncoder> StartEncoderAsync(string outputPath, int width, int height, double fps, IDisposable? lease, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(outputPath);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.part.mp4");
        var inv = CultureInfo.InvariantCulture;
        string[] args =
        [
            "-nostdin", "-hide_banner", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", string.Create(inv, $"{width}x{height}"), "-framerate", fps.ToString("0.###", inv),
            // Our own frames come in through stdin; nothing else is to be opened as input.
            "-protocol_whitelist", "pipe",
            "-i", "pipe:0",
            "-an", "-c:v", "libx264", "-preset", _options.EncoderPreset, "-crf", _options.EncoderCrf.ToString(inv), "-threads", _options.EncoderThreads.ToString(inv),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", "-y", temp,
        ];
        var ownLease = lease is null ? await ReserveAsync(1, cancellationToken).ConfigureAwait(false) : null;
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_ffmpeg.VideoProcessTimeout);
        Interlocked.Increment(ref _running);
        try
        {
            var process = FfmpegProcess.Start(_ffmpeg.FfmpegPath, args, redirectInput: true, cts.Token);
            LogProcessStarted("encode", process.Id);
            return new FfmpegEncoder(this, process, cts, ownLease, temp, full, width * height * 3, cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _running);
            cts.Dispose();
            ownLease?.Dispose();
            throw;
        }
    }

    internal void EncoderEnded() => Interlocked.Decrement(ref _running);

    internal TimeSpan ProcessTimeout => _ffmpeg.VideoProcessTimeout;

    internal void ReportEncodeFailure(int exit, string stderr) => LogProcessFailed("encode", exit, stderr);

    /// <summary>Turns a kill by cancellation into <see cref="OperationCanceledException"/> and a kill by timeout into a user-safe error.</summary>
    internal static void ThrowIfStopped(FfmpegProcess process, TimeSpan timeout, CancellationToken callerToken)
    {
        callerToken.ThrowIfCancellationRequested();
        if (process.WasKilled)
        {
            throw new VideoProcessingException(VideoError.Timeout, "Processing the video took too long and was stopped.", $"ffmpeg killed after {timeout}");
        }
    }

    private static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _slots.Dispose();
        _multiSlotGate.Dispose();
    }

    private sealed class Lease(SemaphoreSlim slots, int count) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Probed video: {Format} {Codec} {Width}x{Height}, {DurationSeconds:F1} s at {FrameRate:F2} fps")]
    private partial void LogProbed(string format, string codec, int width, int height, double durationSeconds, double frameRate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffprobe could not read the file ({ExceptionType}): {Reason}")]
    private partial void LogProbeFailed(string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ffmpeg {Role} started, pid {Pid}")]
    private partial void LogProcessStarted(string role, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ffmpeg {Role} exited with {ExitCode}: {Stderr}")]
    private partial void LogProcessFailed(string role, int exitCode, string stderr);
}
