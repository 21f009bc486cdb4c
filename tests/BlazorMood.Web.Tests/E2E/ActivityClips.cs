using BlazorMood.TestSupport;

namespace BlazorMood.Web.Tests.E2E;

/// <summary>
/// The activity development set that <c>scripts/devdata.sh --set activity</c> assembles from public repositories into
/// <c>.cache/devdata/activity</c> (or <c>$BLAZORMOOD_DEVDATA/activity</c>); never committed (most clips carry no licence).
/// </summary>
public static class ActivityClips
{
    public static string Root =>
        Path.Combine(Environment.GetEnvironmentVariable("BLAZORMOOD_DEVDATA") is { Length: > 0 } d ? Path.GetFullPath(d) : Path.Combine(TestAssets.CacheRoot, "devdata"), "activity");

    public static bool Has(string relativePath) => File.Exists(Path.Combine(Root, relativePath));
}

/// <summary>
/// A fact that needs clips of the activity development set: reported as skipped (with the command that assembles the
/// set) where the set has not been assembled, as in CI, instead of failing or passing without checking anything.
/// </summary>
public sealed class ActivityClipFactAttribute : FactAttribute
{
    public ActivityClipFactAttribute(params string[] files)
    {
        var missing = files.Where(f => !ActivityClips.Has(f)).ToArray();
        if (missing.Length > 0)
        {
            Skip = $"needs the activity development set ({string.Join(", ", missing)} not under {ActivityClips.Root}): run scripts/devdata.sh --set activity";
        }
    }
}
