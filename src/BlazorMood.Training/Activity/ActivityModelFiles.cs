using System.Text.Json;
using BlazorMood.Video;
using BlazorMood.Vision;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BlazorMood.Training.Activity;

/// <summary>Writes a trained activity model with its sidecar, and loads one back as the product does.</summary>
public static class ActivityModelFiles
{
    public static void Write(string onnxPath, ActivityTrainer.Trained trained, ActivityModelCard card)
    {
        ArgumentNullException.ThrowIfNull(trained);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(onnxPath))!);
        File.WriteAllBytes(onnxPath, trained.Onnx);
        File.WriteAllText(Path.ChangeExtension(onnxPath, ".json"), JsonSerializer.Serialize(card, ActivityModelCard.JsonOptions) + "\n");
    }

    /// <summary>A classifier that labels windows with the model at <paramref name="onnxPath"/> on the CPU.</summary>
    public static (ActivityClassifier Classifier, ActivityModel Model) Load(string onnxPath, VideoOptions? videoOptions = null)
    {
        var video = videoOptions ?? new VideoOptions();
        video.Model.FileName = Path.GetFullPath(onnxPath);
        var factory = new ModelSessionFactory(Options.Create(new VisionOptions { ExecutionProvider = ExecutionProvider.Cpu }), NullLogger<ModelSessionFactory>.Instance);
        var model = new ActivityModel(factory, Options.Create(video));
        return (new ActivityClassifier(Options.Create(video), model), model);
    }
}
