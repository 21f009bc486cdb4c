namespace BlazorMood.Training.Activity;

/// <summary>
/// The motion-capture part of the activity training data: which BVH files of which repository snapshots, with which
/// label. The lists follow the label rules checked by hand in the development-data sources: Bandai-Namco's file name
/// carries the content (run, dash → running; walk… → walking; upper-body gestures with the feet still → standing),
/// CMU trials are labelled by the CMU index.
/// </summary>
public static class MocapCatalog
{
    public sealed record Recipe(string Source, string Repository, string Commit, string Licence, Func<string, string?> Label);

    public static readonly Recipe Bandai = new("bandai", "BandaiNamcoResearchInc/Bandai-Namco-Research-Motiondataset",
        "74ead3ba1ae4696404e6086233779f60de8bf9ef", "CC BY-NC 4.0 (non-commercial: see models/README.md)", BandaiLabel);

    public static readonly Recipe Cmu = new("cmu", "Przestr/motion-capture", "c200c31036a2b8cd2182ddbc85756b2dd79d70d2",
        "CMU Graphics Lab Motion Capture Database: free for research and commercial use", CmuLabel);

    public static IReadOnlyList<Recipe> All { get; } = [Bandai, Cmu];

    /// <summary>dataset-2_walk-turn-left_active_012.bvh → walking.</summary>
    public static string? BandaiLabel(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (!path.EndsWith(".bvh", StringComparison.Ordinal) || !name.StartsWith("dataset-", StringComparison.Ordinal))
        {
            return null;
        }
        var parts = name.Split('_');
        if (parts.Length < 3)
        {
            return null;
        }
        var content = parts[1];
        return content switch
        {
            "run" or "dash" => "running",
            "walk" or "walk-back" or "walk-left" or "walk-right" or "walk-turn-left" or "walk-turn-right" => "walking",
            _ when content.StartsWith("wave-", StringComparison.Ordinal) || content.StartsWith("raise-up-", StringComparison.Ordinal) => "standing",
            "bow" or "bye" or "byebye" or "call" or "respond" or "guide" => "standing",
            _ => null,
        };
    }

    /// <summary>data/09/09_01.bvh → running (CMU index: subject 9 runs; subjects 7, 8 and trials 02_01-02 walk).</summary>
    public static string? CmuLabel(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (!path.EndsWith(".bvh", StringComparison.Ordinal) || name.Length != 5 || name[2] != '_')
        {
            return null;
        }
        var subject = name[..2];
        var trial = int.TryParse(name[3..], out var t) ? t : -1;
        return (subject, trial) switch
        {
            ("02", 3) => "running",
            ("09", >= 1 and <= 11) => "running",
            ("02", 1 or 2) => "walking",
            ("07", >= 1 and <= 12) => "walking",
            ("08", >= 1 and <= 11) => "walking",
            _ => null,
        };
    }
}
