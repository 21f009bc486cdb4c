using System.ComponentModel;
using System.Text;
using CliWrap;

namespace BlazorMood.Media;

/// <summary>What a finished external process left: its exit code and (the bounded start of) its output.</summary>
public sealed record ProcessOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>An external tool that could not be started, or was killed because it ran past its time limit.</summary>
public sealed class ExternalProcessException : Exception
{
    public ExternalProcessException(string message, bool timedOut, Exception? inner = null) : base(message, inner) => TimedOut = timedOut;

    public ExternalProcessException()
    {
    }

    public ExternalProcessException(string message) : base(message)
    {
    }

    public ExternalProcessException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>True when the process ran and was killed at its time limit; false when it never started.</summary>
    public bool TimedOut { get; }
}

/// <summary>
/// Runs an external tool to its end through CliWrap: arguments passed as a list (never through a shell), stdout and
/// stderr drained concurrently into bounded buffers (a chatty tool can neither block on a full pipe nor fill the
/// memory), killed with its children when the caller cancels or the time limit passes.
/// </summary>
public static class ExternalProcess
{
    /// <summary>Most characters kept of stdout (its start) and of stderr (its end); the rest is read and dropped.</summary>
    public const int DefaultMaxOutputChars = 256 * 1024;

    /// <summary>
    /// Runs <paramref name="fileName"/> and returns its exit code and output whatever the exit code (the caller words
    /// the error). Throws <see cref="ExternalProcessException"/> when it cannot start or runs past
    /// <paramref name="timeout"/>, and <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static async Task<ProcessOutput> RunAsync(
        string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken,
        string? workingDirectory = null, int maxOutputChars = DefaultMaxOutputChars)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var stdout = new BoundedText(maxOutputChars);
        var stderr = new TextTail(maxOutputChars);
        var command = Cli.Wrap(fileName)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(stdout.AppendLine))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(stderr.AppendLine));
        if (workingDirectory is not null)
        {
            command = command.WithWorkingDirectory(workingDirectory);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var result = await command.ExecuteAsync(limit.Token).ConfigureAwait(false);
            return new ProcessOutput(result.ExitCode, stdout.ToString(), stderr.ToString());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ExternalProcessException($"{Path.GetFileName(fileName)} ran longer than {timeout.TotalSeconds:0.#} s and was stopped.", timedOut: true);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            throw NotStarted(fileName, e);
        }
    }

    /// <summary>The error for a tool that did not start, naming the executable the settings point at.</summary>
    public static ExternalProcessException NotStarted(string fileName, Exception inner) =>
        new($"Cannot start '{fileName}': {inner.Message} Install it or correct its path in the settings.", timedOut: false, inner);

    /// <summary>
    /// The last <paramref name="maxChars"/> characters of a stream, line by line (errors sit at the end of a tool's
    /// stderr). Thread-safe: CliWrap calls it from its pipe pump while the owner may read it.
    /// </summary>
    public sealed class TextTail(int maxChars)
    {
        private readonly StringBuilder _text = new();

        public void AppendLine(string line)
        {
            lock (_text)
            {
                _text.Append(line).Append('\n');
                if (_text.Length > 2 * maxChars)
                {
                    _text.Remove(0, _text.Length - maxChars);
                }
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return (_text.Length > maxChars ? _text.ToString(_text.Length - maxChars, maxChars) : _text.ToString()).Trim();
            }
        }
    }

    /// <summary>The first <c>maxChars</c> characters of a stream (a JSON answer is read from its start).</summary>
    private sealed class BoundedText(int maxChars)
    {
        private readonly StringBuilder _text = new();

        public void AppendLine(string line)
        {
            lock (_text)
            {
                if (_text.Length < maxChars)
                {
                    _text.Append(line.AsSpan(0, Math.Min(line.Length, maxChars - _text.Length))).Append('\n');
                }
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }
}
