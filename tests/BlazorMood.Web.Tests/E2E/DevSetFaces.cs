using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// The emotion development set that <c>scripts/devdata.sh --set emotion</c> assembles from public repositories into
/// <c>.cache/devdata/emotion</c> (or <c>$BLAZORMOOD_DEVDATA/emotion</c>); never committed. The npm packages the other
/// tests take their photos from hold no angry or surprised face, so the live label test takes those two from here.
/// </summary>
public static class DevSetFaces
{
    public static string Root =>
        Path.Combine(Environment.GetEnvironmentVariable("BLAZORMOOD_DEVDATA") is { Length: > 0 } d ? Path.GetFullPath(d) : Path.Combine(TestAssets.CacheRoot, "devdata"), "emotion");

    public static bool Has(string relativePath) => File.Exists(Path.Combine(Root, relativePath));
}

/// <summary>
/// A fact that needs pictures of the emotion development set: reported as skipped (with the command that assembles
/// the set) where the set has not been assembled, instead of failing or passing without checking anything.
/// </summary>
public sealed class DevSetFactAttribute : FactAttribute
{
    public DevSetFactAttribute(params string[] files)
    {
        var missing = files.Where(f => !DevSetFaces.Has(f)).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"needs the emotion development set ({string.Join(", ", missing)} not under {DevSetFaces.Root}): run scripts/devdata.sh --set emotion";
        }
    }
}
