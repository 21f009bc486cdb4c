using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BlazorMood.Vision;

/// <summary>
/// Weights of the learned fusion (<c>models/emotion-fusion.json</c>, written by <c>blazormood train emotion-fusion</c>):
/// a multinomial logistic regression over both models' log-probabilities. <see cref="Weights"/> has one row per class
/// (<see cref="Labels"/> order) and one column per feature (<see cref="Features"/> order).
/// </summary>
public sealed record EmotionFusionModel
{
    public const int FormatVersion = 1;

    /// <summary>Probabilities are floored at this before the logarithm, so a model's hard zero stays finite.</summary>
    public const float ProbabilityFloor = 1e-6f;

    [JsonPropertyName("formatVersion")] public int Version { get; init; } = FormatVersion;

    [JsonPropertyName("labels")] public required string[] Labels { get; init; }

    /// <summary><c>human:&lt;label&gt;</c> then <c>faceapi:&lt;label&gt;</c>: ln(max(p, floor)) of each model's probability.</summary>
    [JsonPropertyName("features")] public required string[] Features { get; init; }

    [JsonPropertyName("weights")] public required float[][] Weights { get; init; }

    [JsonPropertyName("bias")] public required float[] Bias { get; init; }

    /// <summary>How it was made (command, data, seed, metrics); informative only.</summary>
    [JsonPropertyName("training")] public Dictionary<string, string> Training { get; init; } = [];

    /// <summary>The feature names this runtime computes, in order.</summary>
    public static string[] ExpectedFeatures { get; } =
        [.. EmotionLabels.All.Select(l => "human:" + l), .. EmotionLabels.All.Select(l => "faceapi:" + l)];

    public static EmotionFusionModel Load(string path)
    {
        EmotionFusionModel? model;
        try
        {
            model = JsonSerializer.Deserialize<EmotionFusionModel>(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ModelLoadException(path, "cannot be read as emotion fusion weights: " + e.Message, e);
        }
        if (model is null)
        {
            throw new ModelLoadException(path, "is empty");
        }
        model.Validate(path);
        return model;
    }

    /// <summary>Checks the shape and the feature and label order against what this runtime computes.</summary>
    public void Validate(string source)
    {
        if (Version != FormatVersion)
        {
            throw new ModelLoadException(source, $"has format version {Version}, this build reads {FormatVersion}");
        }
        if (!Labels.SequenceEqual(EmotionLabels.All) || !Features.SequenceEqual(ExpectedFeatures))
        {
            throw new ModelLoadException(source, "lists other labels or features than this build computes (retrain it)");
        }
        if (Bias.Length != Labels.Length || Weights.Length != Labels.Length || Weights.Any(r => r.Length != Features.Length)
            || Weights.SelectMany(r => r).Concat(Bias).Any(v => !float.IsFinite(v)))
        {
            throw new ModelLoadException(source, $"needs {Labels.Length}×{Features.Length} finite weights and {Labels.Length} biases");
        }
    }

    /// <summary>Writes the fusion's input for one face: ln of each model's seven probabilities, floored.</summary>
    public static void FeaturesOf(EmotionPrediction human, EmotionPrediction faceApi, Span<float> features)
    {
        var n = EmotionLabels.All.Count;
        for (var c = 0; c < n; c++)
        {
            var label = EmotionLabels.All[c];
            features[c] = MathF.Log(MathF.Max(human.Probabilities[label], ProbabilityFloor));
            features[n + c] = MathF.Log(MathF.Max(faceApi.Probabilities[label], ProbabilityFloor));
        }
    }

    /// <summary>softmax(W·x + b) over the classes.</summary>
    public void Apply(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        var max = float.NegativeInfinity;
        for (var c = 0; c < Bias.Length; c++)
        {
            var z = Bias[c];
            var w = Weights[c];
            for (var f = 0; f < w.Length; f++)
            {
                z += w[f] * features[f];
            }
            probabilities[c] = z;
            max = MathF.Max(max, z);
        }
        float sum = 0;
        for (var c = 0; c < Bias.Length; c++)
        {
            probabilities[c] = MathF.Exp(probabilities[c] - max);
            sum += probabilities[c];
        }
        for (var c = 0; c < Bias.Length; c++)
        {
            probabilities[c] /= sum;
        }
    }

    /// <summary>The fused prediction for one face.</summary>
    public EmotionPrediction Fuse(EmotionPrediction human, EmotionPrediction faceApi)
    {
        Span<float> x = stackalloc float[Features.Length];
        Span<float> p = stackalloc float[Labels.Length];
        FeaturesOf(human, faceApi, x);
        Apply(x, p);
        return EmotionPrediction.FromProbabilities(p);
    }
}

/// <summary>The fusion weights of <see cref="EmotionFusionOptions"/>, loaded once (a missing or malformed file fails here, naming it).</summary>
public sealed class EmotionFusion
{
    public EmotionFusion(ModelSessionFactory sessions, IOptions<VisionOptions> options, ILogger<EmotionFusion> logger)
    {
        var path = sessions.ResolvePath(options.Value.EmotionFusion.FileName);
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, "does not exist (train it with `blazormood train emotion-fusion`, or set Vision:EmotionFusion:Enabled=false)");
        }
        Model = EmotionFusionModel.Load(path);
        Path = path;
        logger.LogInformation("Emotion fusion weights loaded from {Path} ({Features} features)", path, Model.Features.Length);
    }

    public EmotionFusionModel Model { get; }

    public string Path { get; }

    public EmotionPrediction Fuse(EmotionPrediction human, EmotionPrediction faceApi) => Model.Fuse(human, faceApi);
}
