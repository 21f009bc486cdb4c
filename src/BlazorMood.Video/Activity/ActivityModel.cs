using System.Text.Json;
using BlazorMood.Vision;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace BlazorMood.Video;

/// <summary>
/// The learned window classifier: gradient-boosted trees over <see cref="ActivityFeatureVector"/>, trained by
/// <c>blazormood train activity</c> with ML.NET (LightGBM) and exported to ONNX, so the product runs it with the same
/// ONNX Runtime as the vision models and needs no ML.NET. The sidecar <c>activity.json</c> names the classes in the
/// order of the model's score output and the features it was trained with.
/// Classes are activities, with the exercises apart ("squats", "jumping", "push-ups"), so one model also says which exercise.
/// </summary>
public sealed class ActivityModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _scoreName;
    private readonly (ActivityKind Kind, ExerciseKind Exercise)[] _classes;

    public ActivityModel(ModelSessionFactory factory, IOptions<VideoOptions> options)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        var model = options.Value.Model;
        var path = factory.ResolvePath(model);
        var sidecarPath = Path.ChangeExtension(path, ".json");
        ActivityModelCard card;
        try
        {
            card = JsonSerializer.Deserialize<ActivityModelCard>(File.ReadAllText(sidecarPath), ActivityModelCard.JsonOptions)
                   ?? throw new ModelLoadException(sidecarPath, "is empty");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(sidecarPath, "(the activity model's sidecar) could not be read: " + e.Message, e);
        }
        if (!card.Features.SequenceEqual(ActivityFeatureVector.Names))
        {
            throw new ModelLoadException(path, "was trained with other features than this build computes; retrain it with 'blazormood train activity'");
        }
        _classes = card.Classes.Select(ParseClass).ToArray();
        _session = factory.Create(model);
        _inputName = _session.InputMetadata.Keys.First(k => k.StartsWith("Features", StringComparison.Ordinal));
        _scoreName = _session.OutputMetadata.Keys.First(k => k.StartsWith("Score", StringComparison.Ordinal));
        Card = card;
    }

    public ActivityModelCard Card { get; }

    /// <summary>Class probabilities of each row (in <see cref="Classes"/> order).</summary>
    public IReadOnlyList<(ActivityKind Kind, ExerciseKind Exercise)> Classes => _classes;

    public float[][] Predict(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return [];
        }
        var width = ActivityFeatureVector.Length;
        var input = new DenseTensor<float>([rows.Count, width]);
        for (var r = 0; r < rows.Count; r++)
        {
            rows[r].AsSpan().CopyTo(input.Buffer.Span.Slice(r * width, width));
        }
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, input)], [_scoreName]);
        var scores = results[0].AsTensor<float>();
        var k = _classes.Length;
        var output = new float[rows.Count][];
        for (var r = 0; r < rows.Count; r++)
        {
            var p = new float[k];
            float sum = 0;
            for (var c = 0; c < k; c++)
            {
                p[c] = Math.Max(0, scores[r, c]);
                sum += p[c];
            }
            for (var c = 0; c < k && sum > 0; c++)
            {
                p[c] /= sum;
            }
            output[r] = p;
        }
        return output;
    }

    /// <summary>A model class name ("running", "squats") as an activity and exercise.</summary>
    public static (ActivityKind Kind, ExerciseKind Exercise) ParseClass(string name) => name switch
    {
        "squats" => (ActivityKind.Exercising, ExerciseKind.Squats),
        "jumping" => (ActivityKind.Exercising, ExerciseKind.Jumping),
        "push-ups" => (ActivityKind.Exercising, ExerciseKind.PushUps),
        _ => ActivityNames.Parse(name) is { } kind and not ActivityKind.Exercising
            ? (kind, ExerciseKind.None)
            : throw new FormatException($"unknown activity model class '{name}'"),
    };

    public void Dispose() => _session.Dispose();
}

/// <summary>The sidecar of the activity model: what it predicts, from what, trained on what, and how well it did.</summary>
public sealed record ActivityModelCard(
    IReadOnlyList<string> Classes,
    IReadOnlyList<string> Features,
    string TrainedWith,
    string Command,
    int Seed,
    IReadOnlyList<ActivityModelSource> Sources,
    IReadOnlyDictionary<string, int> WindowsPerClass)
{
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}

/// <summary>One source of training data: what it is, its licence, and how many clips and windows it gave.</summary>
public sealed record ActivityModelSource(string Id, string Kind, string Licence, int Clips, int Windows);
