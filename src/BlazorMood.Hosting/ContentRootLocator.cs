namespace BlazorMood.Hosting;

/// <summary>
/// Finds the folder that holds <c>appsettings.json</c> and <c>wwwroot/</c>: the repository root when run from
/// a checkout (<c>dotnet run --project src/BlazorMood.Web</c>), the publish folder in a container.
/// <c>BLAZORMOOD_ROOT</c> overrides the search.
/// </summary>
public static class ContentRootLocator
{
    public const string EnvironmentVariable = "BLAZORMOOD_ROOT";

    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } explicitRoot)
        {
            return Path.GetFullPath(explicitRoot);
        }
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (IsContentRoot(dir.FullName))
                {
                    return dir.FullName;
                }
            }
        }
        return Environment.CurrentDirectory;
    }

    internal static bool IsContentRoot(string path) =>
        File.Exists(Path.Combine(path, "appsettings.json")) && Directory.Exists(Path.Combine(path, "wwwroot"));
}
