using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;

namespace BlazorMood.ModelImport;

/// <summary>Runs the package tools (npm, apt-get, dpkg) through CliWrap with a time limit and clear errors.</summary>
internal static class ToolRunner
{
    /// <summary>
    /// Runs <paramref name="command"/> to its end and returns its exit code and output whatever the exit code. A tool
    /// that cannot start or runs past <paramref name="timeout"/> (it is then killed with its children) is an
    /// <see cref="InvalidOperationException"/> or <see cref="TimeoutException"/> naming it; the caller's cancellation
    /// stays an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<BufferedCommandResult> RunAsync(Command command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var name = $"{command.TargetFilePath} {command.Arguments}";
        try
        {
            return await command.WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{name} did not finish within {timeout.TotalMinutes:0.#} minutes and was stopped.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {command.TargetFilePath}: {e.Message}", e);
        }
    }
}
