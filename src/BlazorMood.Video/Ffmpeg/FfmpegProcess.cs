using System.Diagnostics;
using System.Text;

namespace BlazorMood.Video;

/// <summary>
/// One running ffmpeg/ffprobe process with its stderr drained into a small tail buffer (a full stderr pipe would
/// block the child), killed with its children when the token fires or the object is disposed before it exited.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private const int StderrTailChars = 4000;

    private readonly Process _process;
    private readonly Task _stderrPump;
    private readonly StringBuilder _stderr = new();
    private readonly CancellationTokenRegistration _killOnCancel;
    private int _killed;

    private FfmpegProcess(Process process, CancellationToken killToken)
    {
        _process = process;
        _stderrPump = Task.Run(PumpStderrAsync, CancellationToken.None);
        _killOnCancel = killToken.Register(static p => ((FfmpegProcess)p!).Kill(), this);
    }

    public int Id => _process.Id;

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    public Stream StandardInput => _process.StandardInput.BaseStream;

    public bool WasKilled => Volatile.Read(ref _killed) == 1;

    public static FfmpegProcess Start(string fileName, IEnumerable<string> arguments, bool redirectInput, CancellationToken killToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new VideoProcessingException(VideoError.Failed, "The video service is not available.", $"{fileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VideoProcessingException(VideoError.Failed, "The video service is not available.", $"{fileName}: {e.Message}", e);
        }
        return new FfmpegProcess(process, killToken);
    }

    /// <summary>Waits for the exit (never cancelled itself: cancellation kills the process, which then exits).</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        await _stderrPump.ConfigureAwait(false);
        return _process.ExitCode;
    }

    public string StderrTail
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString().Trim();
            }
        }
    }

    public void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 1)
        {
            return;
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[1024];
        var reader = _process.StandardError;
        int n;
        while ((n = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            lock (_stderr)
            {
                _stderr.Append(buffer, 0, n);
                if (_stderr.Length > StderrTailChars)
                {
                    _stderr.Remove(0, _stderr.Length - StderrTailChars);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _killOnCancel.DisposeAsync().ConfigureAwait(false);
        bool exited;
        try
        {
            exited = _process.HasExited;
        }
        catch (InvalidOperationException)
        {
            exited = true;
        }
        if (!exited)
        {
            Kill();
        }
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await _stderrPump.ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
