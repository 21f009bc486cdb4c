namespace BlazorMood.Video;

/// <summary>A running H.264 encoder fed rgb24 frames; see <see cref="FfmpegService.StartEncoderAsync"/>.</summary>
public sealed class FfmpegEncoder : IAsyncDisposable
{
    private readonly FfmpegService _owner;
    private readonly FfmpegProcess _process;
    private readonly CancellationTokenSource _cts;
    private readonly IDisposable? _lease;
    private readonly string _tempPath;
    private readonly string _outputPath;
    private readonly int _frameBytes;
    private readonly CancellationToken _callerToken;
    private bool _completed;
    private bool _disposed;

    internal FfmpegEncoder(FfmpegService owner, FfmpegProcess process, CancellationTokenSource cts, IDisposable? lease, string tempPath, string outputPath, int frameBytes, CancellationToken callerToken)
    {
        _owner = owner;
        _process = process;
        _cts = cts;
        _lease = lease;
        _tempPath = tempPath;
        _outputPath = outputPath;
        _frameBytes = frameBytes;
        _callerToken = callerToken;
    }

    public int FramesWritten { get; private set; }

    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> rgb24, CancellationToken cancellationToken)
    {
        if (rgb24.Length < _frameBytes)
        {
            throw new ArgumentException($"A frame is {_frameBytes} bytes.", nameof(rgb24));
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        try
        {
            await _process.WriteInputAsync(rgb24[.._frameBytes], linked.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // ffmpeg closed its input: it died (or was killed); report why.
            await _process.WaitForExitAsync().ConfigureAwait(false);
            FfmpegService.ThrowIfStopped(_process, _owner.ProcessTimeout, _callerToken);
            throw new VideoProcessingException(VideoError.Failed, "The annotated video could not be written.", _process.StderrTail, e);
        }
        FramesWritten++;
    }

    /// <summary>Closes the input, waits for ffmpeg to finish the file (faststart rewrites it) and moves it into place.</summary>
    public async Task CompleteAsync()
    {
        _process.CloseInput();
        var exit = await _process.WaitForExitAsync().ConfigureAwait(false);
        FfmpegService.ThrowIfStopped(_process, _owner.ProcessTimeout, _callerToken);
        if (exit != 0 || !File.Exists(_tempPath))
        {
            _owner.ReportEncodeFailure(exit, _process.StderrTail);
            throw new VideoProcessingException(VideoError.Failed, "The annotated video could not be written.", $"exit {exit}: {_process.StderrTail}");
        }
        File.Move(_tempPath, _outputPath, overwrite: true);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_completed)
        {
            _process.Kill();
        }
        _process.CloseInput();
        await _process.DisposeAsync().ConfigureAwait(false);
        if (!_completed && File.Exists(_tempPath))
        {
            File.Delete(_tempPath);
        }
        _owner.EncoderEnded();
        _cts.Dispose();
        _lease?.Dispose();
    }
}
