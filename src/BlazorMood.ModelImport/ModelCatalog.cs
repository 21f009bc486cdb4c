namespace BlazorMood.ModelImport;

/// <summary>A TF.js graph model inside the Human package and the ONNX file it becomes.</summary>
public sealed record CatalogModel(string Name, string PackagePath)
{
    public string OnnxFileName => Name + ".onnx";
}

/// <summary>The models BlazorMood converts from <c>@vladmandic/human</c>.</summary>
public static class ModelCatalog
{
    public static IReadOnlyList<CatalogModel> All { get; } =
    [
        new("emotion", "models/emotion.json"),
        new("blazeface", "models/blazeface.json"),
        new("movenet-lightning", "models/movenet-lightning.json"),
        new("centernet", "models/centernet.json"),
    ];

    public static CatalogModel Get(string name) => All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"Unknown model '{name}'. Known: {string.Join(", ", All.Select(m => m.Name))}.", nameof(name));
}
