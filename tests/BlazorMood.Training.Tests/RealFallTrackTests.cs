using BlazorMood.Video;

namespace BlazorMood.Training.Tests;

/// <summary>
/// The fall flag on keypoint tracks of real people (numbers only): it fires on real falls and stays quiet on the real
/// clips of every activity, a person lying on the floor after a fall included.
/// </summary>
public sealed class RealFallTrackTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static readonly float MinScore = new VideoOptions().MinKeypointScore;

    public static TheoryData<string> Falls() => Files("fall-tracks");

    public static TheoryData<string> NotFalls() => Files("activity-tracks");

    private static TheoryData<string> Files(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Fixtures, folder), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Fixtures, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Falls))]
    public void A_real_fall_is_flagged(string file)
    {
        var track = KeypointTrack.FromJson(File.ReadAllText(Path.Combine(Fixtures, file)));
        Assert.Equal("falling", track.Label);

        var falls = FallDetector.Detect(track.ToObservations(), MinScore);

        var fall = Assert.Single(falls);
        Assert.InRange(fall, 0, track.DurationSeconds);
    }

    [Theory]
    [MemberData(nameof(NotFalls))]
    public void A_real_clip_without_a_fall_is_not_flagged(string file)
    {
        var track = KeypointTrack.FromJson(File.ReadAllText(Path.Combine(Fixtures, file)));

        Assert.Empty(FallDetector.Detect(track.ToObservations(), MinScore));
    }
}
