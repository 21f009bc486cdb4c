using System.ComponentModel;
using System.IO.Pipelines;
using BlazorMood.Media;
using CliWrap;

namespace BlazorMood.Video;

/// <summary>
/// One running ffmpeg process, started through CliWrap, whose stdout and stdin are bounded in-memory pipes (a slow
/// reader pauses ffmpeg instead of piling frames up) and whose stderr is kept as a small tail for error messages.
/// It is killed with its children when the token fires or the object is disposed before it exited.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private const int StderrTailChars = 4000;

    // About one 720p rgb24 frame in flight between ffmpeg and the reader; ffmpeg waits beyond that.
    private static readonly PipeOptions BoundedPipe = new(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024, useSynchronizationContext: false);

    private readonly Pipe _stdout = new(BoundedPipe);
    private readonly Pipe? _stdin;
    private readonly ExternalProcess.TextTail _stderr = new(StderrTailChars);
    private readonly CancellationTokenSource _kill = new();
    private readonly CancellationTokenRegistration _killOnCancel;
    private readonly Task<int> _exit;
    private int _killed;

    private FfmpegProcess(string fileName, IEnumerable<string> arguments, bool redirectInput, CancellationToken killToken)
    {
        _stdin = redirectInput ? new Pipe(BoundedPipe) : null;
        StandardOutput = _stdout.Reader.AsStream();
        var command = Cli.Wrap(fileName)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(_stdin is null ? PipeSource.Null : PipeSource.FromStream(_stdin.Reader.AsStream()))
            .WithStandardOutputPipe(PipeTarget.ToStream(_stdout.Writer.AsStream()))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(_stderr.AppendLine));
        CommandTask<CommandResult> run;
        try
        {
            run = command.ExecuteAsync(_kill.Token);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            _kill.Dispose();
            throw new VideoProcessingException(VideoError.Failed, "The video service is not available.", ExternalProcess.NotStarted(fileName, e).Message, e);
        }
        Id = run.ProcessId;
        _exit = WaitForEndAsync(run);
        _killOnCancel = killToken.Register(static p => ((FfmpegProcess)p!).Kill(), this);
    }

    public int Id { get; }

    /// <summary>ffmpeg's stdout; ends when ffmpeg exits.</summary>
    public Stream StandardOutput { get; }

    public bool WasKilled => Volatile.Read(ref _killed) == 1;

    public string StderrTail => _stderr.ToString();

    public static FfmpegProcess Start(string fileName, IEnumerable<string> arguments, bool redirectInput, CancellationToken killToken) =>
        new(fileName, arguments, redirectInput, killToken);

    /// <summary>Writes to ffmpeg's stdin; an <see cref="IOException"/> when ffmpeg has stopped reading (it exited or was killed).</summary>
    public async ValueTask WriteInputAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var writer = (_stdin ?? throw new InvalidOperationException("Started without an input.")).Writer;
        var result = await writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted || _exit.IsCompleted)
        {
            throw new IOException("ffmpeg closed its input.");
        }
    }

    /// <summary>Ends ffmpeg's input (it then finishes the output and exits).</summary>
    public void CloseInput() => _stdin?.Writer.Complete();

    /// <summary>Waits for the exit (never cancelled itself: cancellation kills the process, which then exits); -1 when killed.</summary>
    public Task<int> WaitForExitAsync() => _exit;

    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 1)
        {
            return;
        }
        try
        {
            _kill.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: the process has ended.
        }
    }

    private async Task<int> WaitForEndAsync(CommandTask<CommandResult> run)
    {
        try
        {
            return (await run.ConfigureAwait(false)).ExitCode;
        }
        catch (OperationCanceledException)
        {
            // CliWrap killed the process tree on our kill token and waited for it.
            return -1;
        }
        finally
        {
            await _stdout.Writer.CompleteAsync().ConfigureAwait(false);
            if (_stdin is not null)
            {
                // A writer blocked on a full pipe wakes up and sees the input is gone.
                await _stdin.Reader.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _killOnCancel.DisposeAsync().ConfigureAwait(false);
        if (!_exit.IsCompleted)
        {
            Kill();
        }
        await _exit.ConfigureAwait(false);
        await _stdout.Reader.CompleteAsync().ConfigureAwait(false);
        if (_stdin is not null)
        {
            await _stdin.Writer.CompleteAsync().ConfigureAwait(false);
        }
        _kill.Dispose();
    }
}
