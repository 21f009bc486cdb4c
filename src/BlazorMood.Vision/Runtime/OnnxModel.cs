using Microsoft.ML.OnnxRuntime;

namespace BlazorMood.Vision.Runtime;

/// <summary>
/// One loaded model: its session plus the input/output names the component uses, and a Run helper that
/// turns a cancelled token into <see cref="OperationCanceledException"/> (ORT's <c>RunOptions.Terminate</c>).
/// ORT's <c>Run</c> is thread-safe, so one instance serves all callers.
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly RunOptions _defaultRunOptions = new();

    public OnnxModel(InferenceSession session, string path)
    {
        Session = session;
        Path = path;
        InputName = session.InputMetadata.Keys.First();
        Input = session.InputMetadata[InputName];
    }

    public InferenceSession Session { get; }

    public string Path { get; }

    public string InputName { get; }

    public NodeMetadata Input { get; }

    /// <summary>Throws <see cref="ModelLoadException"/> unless the condition holds (a model that is not the one we expect).</summary>
    public void Require(bool condition, string expectation)
    {
        if (!condition)
        {
            var inputs = string.Join(", ", Session.InputMetadata.Select(kv => $"{kv.Key} [{string.Join(',', kv.Value.Dimensions)}] {kv.Value.ElementDataType}"));
            var outputs = string.Join(", ", Session.OutputMetadata.Select(kv => $"{kv.Key} [{string.Join(',', kv.Value.Dimensions)}]"));
            throw new ModelLoadException(Path, $"does not have the expected signature ({expectation}; inputs: {inputs}; outputs: {outputs})");
        }
    }

    /// <summary>Runs with caller-owned output values (no output allocation by ORT).</summary>
    public void Run(OrtValue input, IReadOnlyCollection<string> outputNames, IReadOnlyCollection<OrtValue> outputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            Session.Run(_defaultRunOptions, [InputName], [input], outputNames, outputs);
            return;
        }
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions);
        try
        {
            Session.Run(runOptions, [InputName], [input], outputNames, outputs);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Runs and lets ORT allocate the outputs; the caller disposes the collection.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(OrtValue input, IReadOnlyCollection<string> outputNames, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            return Session.Run(_defaultRunOptions, [InputName], [input], outputNames);
        }
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static o => ((RunOptions)o!).Terminate = true, runOptions);
        try
        {
            return Session.Run(runOptions, [InputName], [input], outputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        _defaultRunOptions.Dispose();
    }
}
