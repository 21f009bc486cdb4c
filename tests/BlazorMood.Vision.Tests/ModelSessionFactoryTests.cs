using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Vision.Tests;

public sealed class ModelSessionFactoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vision-models-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ModelSessionFactory Factory(ExecutionProvider provider, ILogger<ModelSessionFactory>? logger = null) =>
        new(Options.Create(new VisionOptions { ModelsPath = _dir, ExecutionProvider = provider }), logger ?? NullLogger<ModelSessionFactory>.Instance);

    [Fact]
    public void Missing_model_file_fails_naming_the_file_and_the_fix()
    {
        var e = Assert.Throws<ModelLoadException>(() => Factory(ExecutionProvider.Cpu).Create(new EmotionOptions()));
        Assert.Equal(Path.Combine(_dir, "emotion.onnx"), e.ModelPath);
        Assert.Contains("emotion.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/BlazorMood.Cli -- import-models --out models", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Corrupt_model_file_fails_naming_the_file(int garbageLength)
    {
        var bytes = new byte[garbageLength];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(_dir, "blazeface.onnx"), bytes);
        var e = Assert.Throws<ModelLoadException>(() => Factory(ExecutionProvider.Cpu).Create(new FaceDetectorOptions()));
        Assert.Contains("blazeface.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("--out models", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_model_file_fails()
    {
        var model = TinyOnnx.IdentityModel();
        File.WriteAllBytes(Path.Combine(_dir, "emotion.onnx"), model[..(model.Length / 2)]);
        Assert.Throws<ModelLoadException>(() => Factory(ExecutionProvider.Cpu).Create(new EmotionOptions()));
    }

    [Fact]
    public void Cpu_provider_loads_a_model_without_touching_cuda()
    {
        File.WriteAllBytes(Path.Combine(_dir, "emotion.onnx"), TinyOnnx.IdentityModel());
        var factory = Factory(ExecutionProvider.Cpu);
        using var session = factory.Create(new EmotionOptions());
        Assert.Single(session.InputMetadata);
        Assert.False(factory.UsingCuda);
    }

    [Fact]
    public void Auto_provider_loads_every_model_and_logs_a_cuda_fallback_at_most_once()
    {
        File.WriteAllBytes(Path.Combine(_dir, "emotion.onnx"), TinyOnnx.IdentityModel());
        File.WriteAllBytes(Path.Combine(_dir, "blazeface.onnx"), TinyOnnx.IdentityModel());
        var logger = new ListLogger<ModelSessionFactory>();
        var factory = Factory(ExecutionProvider.Auto, logger);

        using var first = factory.Create(new EmotionOptions());
        using var second = factory.Create(new FaceDetectorOptions());

        var warnings = logger.Entries.Count(e => e.Level == LogLevel.Warning);
        var noDriver = logger.Entries.Count(e => e.Level == LogLevel.Information && e.Message.StartsWith("No NVIDIA GPU driver", StringComparison.Ordinal));
        // Without a driver Auto says so once, as information, and never asks ONNX Runtime for CUDA; with a driver but
        // no usable CUDA it falls back with exactly one warning; with a usable GPU it runs on CUDA and says neither.
        var driver = ModelSessionFactory.NvidiaDriverPresent(File.Exists, Directory.Exists);
        Assert.Equal(driver || factory.UsingCuda ? 0 : 1, noDriver);
        Assert.Equal(!driver || factory.UsingCuda ? 0 : 1, warnings);
        Assert.False(!driver && factory.UsingCuda);
    }

    [Fact]
    public void An_nvidia_driver_is_recognised_by_its_proc_entry_or_device_node()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.True(ModelSessionFactory.NvidiaDriverPresent(_ => false, _ => false));
            return;
        }
        Assert.False(ModelSessionFactory.NvidiaDriverPresent(_ => false, _ => false));
        Assert.True(ModelSessionFactory.NvidiaDriverPresent(p => p == "/proc/driver/nvidia/version", _ => false));
        Assert.True(ModelSessionFactory.NvidiaDriverPresent(p => p == "/dev/nvidia0", _ => false));
        Assert.True(ModelSessionFactory.NvidiaDriverPresent(_ => false, d => d == "/proc/driver/nvidia/gpus"));
    }

    [Fact]
    public void Cuda_provider_either_uses_cuda_or_fails_hard()
    {
        File.WriteAllBytes(Path.Combine(_dir, "emotion.onnx"), TinyOnnx.IdentityModel());
        var factory = Factory(ExecutionProvider.Cuda);
        try
        {
            using var session = factory.Create(new EmotionOptions());
            Assert.True(factory.UsingCuda);
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains("CUDA", e.Message, StringComparison.Ordinal);
            Assert.False(factory.UsingCuda);
        }
    }

    [Fact]
    public void Relative_models_path_resolves_and_absolute_file_names_are_kept()
    {
        var factory = new ModelSessionFactory(Options.Create(new VisionOptions { ModelsPath = "some-relative-dir" }), NullLogger<ModelSessionFactory>.Instance);
        Assert.True(Path.IsPathRooted(factory.ResolvePath(new EmotionOptions())));
        var absolute = Path.Combine(_dir, "x.onnx");
        Assert.Equal(absolute, factory.ResolvePath(new EmotionOptions { FileName = absolute }));
    }
}

internal sealed class ListLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
        {
            Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
