using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace BlazorMood.Vision;

/// <summary>
/// Creates the ONNX Runtime sessions (one per model; the components keep and dispose them).
/// <list type="bullet">
/// <item><see cref="ExecutionProvider.Auto"/>: append CUDA device 0; when that throws, use the CPU and log it once.
/// <c>OrtEnv.GetAvailableProviders()</c> is not consulted: it lists CUDA even where no GPU or CUDA library exists.</item>
/// <item><see cref="ExecutionProvider.Cuda"/>: CUDA or an exception.</item>
/// <item><see cref="ExecutionProvider.Cpu"/>: CUDA is never touched.</item>
/// </list>
/// </summary>
public sealed class ModelSessionFactory
{
    private readonly VisionOptions _options;
    private readonly ILogger<ModelSessionFactory> _logger;
    private readonly Lock _gate = new();

    // Once CUDA failed in Auto mode the next models go straight to the CPU: one failure (and one log line) is enough.
    private bool _cudaUnavailable;

    public ModelSessionFactory(IOptions<VisionOptions> options, ILogger<ModelSessionFactory> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>True when a session was created on CUDA; false on the CPU (or when nothing was created yet).</summary>
    public bool UsingCuda { get; private set; }

    /// <summary>Full path of a model file: absolute as given, else under <see cref="VisionOptions.ModelsPath"/>.</summary>
    public string ResolvePath(ModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ResolvePath(model.FileName);
    }

    /// <summary>Where a file named in the options lives: rooted as given, else under <see cref="VisionOptions.ModelsPath"/>.</summary>
    public string ResolvePath(string fileName)
    {
        if (Path.IsPathRooted(fileName))
        {
            return fileName;
        }
        var relative = Path.Combine(_options.ModelsPath, fileName);
        if (Path.IsPathRooted(relative))
        {
            return relative;
        }
        // A relative ModelsPath means the working directory first (dotnet run from the repo root), then the app folder (published).
        var fromCwd = Path.GetFullPath(relative);
        if (File.Exists(fromCwd))
        {
            return fromCwd;
        }
        var fromBase = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, relative));
        return File.Exists(fromBase) ? fromBase : fromCwd;
    }

    /// <summary>Loads a model; throws <see cref="ModelLoadException"/> naming the file and the fix.</summary>
    public InferenceSession Create(ModelOptions model)
    {
        var path = ResolvePath(model);
        if (!model.Enabled)
        {
            throw new InvalidOperationException($"Vision model '{path}' is disabled (Vision:...:Enabled = false).");
        }
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "was not found");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, "could not be read: " + e.Message, e);
        }
        if (bytes.Length == 0)
        {
            throw new ModelLoadException(path, "is empty");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var session = CreateSession(path, bytes);
        _logger.LogInformation("Loaded vision model {ModelPath} on {Device} in {ElapsedMs:F0} ms",
            path, UsingCuda ? "CUDA" : "CPU", System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return session;
    }

    private InferenceSession CreateSession(string path, byte[] bytes)
    {
        var provider = _options.ExecutionProvider;
        if (provider == ExecutionProvider.Auto)
        {
            lock (_gate)
            {
                if (_cudaUnavailable)
                {
                    provider = ExecutionProvider.Cpu;
                }
            }
            // Asking ONNX Runtime for CUDA on a machine without an NVIDIA driver makes it print a red native error
            // (a CUDA library it cannot load) before the fallback: where the driver visibly is not there, do not ask.
            if (provider == ExecutionProvider.Auto && !NvidiaDriverPresent(File.Exists, Directory.Exists))
            {
                lock (_gate)
                {
                    if (!_cudaUnavailable)
                    {
                        _cudaUnavailable = true;
                        _logger.LogInformation("No NVIDIA GPU driver on this machine; vision models run on the CPU");
                    }
                }
                provider = ExecutionProvider.Cpu;
            }
        }

        if (provider != ExecutionProvider.Cpu)
        {
            var cudaOptions = NewSessionOptions();
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                cudaOptions.Dispose();
                if (provider == ExecutionProvider.Cuda)
                {
                    throw new InvalidOperationException(
                        "Vision:ExecutionProvider is Cuda but the CUDA execution provider could not be initialised: " + e.Message +
                        " Use Auto or Cpu on machines without a usable GPU.", e);
                }
                MarkCudaUnavailable(e);
                return Load(path, bytes, NewSessionOptions(), cuda: false);
            }
            try
            {
                return Load(path, bytes, cudaOptions, cuda: true);
            }
            catch (ModelLoadException e) when (e.InnerException is OnnxRuntimeException)
            {
                // CUDA libraries present but no usable device: the provider appends, then session creation fails.
                // If the CPU can load the file, the file is fine and CUDA is what failed.
                var session = Load(path, bytes, NewSessionOptions(), cuda: false);
                if (provider == ExecutionProvider.Cuda)
                {
                    session.Dispose();
                    throw new InvalidOperationException(
                        $"Vision:ExecutionProvider is Cuda but '{path}' could not be loaded on CUDA: {e.InnerException.Message}", e.InnerException);
                }
                MarkCudaUnavailable(e.InnerException);
                return session;
            }
        }
        return Load(path, bytes, NewSessionOptions(), cuda: false);
    }

    /// <summary>
    /// Whether an NVIDIA driver is visible: on Linux its /proc entry or a device node. Elsewhere there is no cheap
    /// test, so CUDA is tried as before.
    /// </summary>
    internal static bool NvidiaDriverPresent(Func<string, bool> fileExists, Func<string, bool> directoryExists) =>
        !OperatingSystem.IsLinux() || fileExists("/proc/driver/nvidia/version") || directoryExists("/proc/driver/nvidia/gpus") || fileExists("/dev/nvidia0");

    private void MarkCudaUnavailable(Exception e)
    {
        lock (_gate)
        {
            if (_cudaUnavailable)
            {
                return;
            }
            _cudaUnavailable = true;
        }
        _logger.LogWarning("CUDA is not available ({Reason}); vision models run on the CPU", FirstLine(e.Message));
    }

    private InferenceSession Load(string path, byte[] bytes, SessionOptions sessionOptions, bool cuda)
    {
        try
        {
            var session = new InferenceSession(bytes, sessionOptions);
            UsingCuda |= cuda;
            return session;
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException(path, "is not a valid ONNX model (" + FirstLine(e.Message) + ")", e);
        }
        finally
        {
            // The session keeps its own copy of the settings.
            sessionOptions.Dispose();
        }
    }

    private SessionOptions NewSessionOptions() => new()
    {
        IntraOpNumThreads = Math.Max(1, _options.IntraOpThreads),
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };

    private static string FirstLine(string message)
    {
        var i = message.IndexOfAny(['\r', '\n']);
        return i < 0 ? message : message[..i];
    }
}
