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

/// <summary>A model inside a pinned npm package and the ONNX file it becomes.</summary>
public sealed record CatalogModel(string Name, string PackagePath, NpmPackageSpec Package, ModelSourceFormat Format = ModelSourceFormat.TfjsGraphModel)
{
    public string OnnxFileName => Name + ".onnx";
}

/// <summary>The models BlazorMood converts from <c>@vladmandic/human</c> and <c>@vladmandic/face-api</c>.</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<CatalogModel> All { get; } =
    [
        new("emotion", "models/emotion.json", NpmPackageSpec.Human),
        new("blazeface", "models/blazeface.json", NpmPackageSpec.Human),
        new("movenet-lightning", "models/movenet-lightning.json", NpmPackageSpec.Human),
        new("centernet", "models/centernet.json", NpmPackageSpec.Human),
        new("face-expression", "model/face_expression_model-weights_manifest.json", NpmPackageSpec.FaceApi, ModelSourceFormat.FaceApiExpressionNet),
    ];

    /// <summary>The packages the catalogue draws from, in first-use order.</summary>
    public static IReadOnlyList<NpmPackageSpec> Packages { get; } = All.Select(m => m.Package).Distinct().ToList();

    public static CatalogModel Get(string name) => All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"Unknown model '{name}'. Known: {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));
}
