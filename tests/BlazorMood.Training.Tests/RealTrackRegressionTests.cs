using BlazorMood.TestSupport;
using BlazorMood.Training.Activity;
using BlazorMood.Video;

namespace BlazorMood.Training.Tests;

/// <summary>
/// The committed activity model on keypoint tracks extracted once from real development clips (numbers only, no
/// pixels; <c>blazormood devdata tracks</c>): each must keep its label. A retrained model that forgets one of these
/// real people fails here before it ships.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
public sealed class RealTrackRegressionTests
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "activity-tracks");

    public static TheoryData<string> Tracks()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(FixtureDir, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void TheFixturesCoverEveryActivity()
    {
        var labels = Directory.EnumerateFiles(FixtureDir, "*.json")
            .Select(f => ActivityModel.ParseClass(ActivityDataset.ModelLabel(KeypointTrack.FromJson(File.ReadAllText(f)).Label)!).Kind.Label())
            .ToHashSet();
        Assert.Equal(ActivityNames.All.Order(StringComparer.Ordinal), labels.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Tracks))]
    public void TheCommittedModelKeepsTheLabelOfARealClip(string file)
    {
        var track = KeypointTrack.FromJson(File.ReadAllText(Path.Combine(FixtureDir, file)));
        var (kind, exercise) = ActivityModel.ParseClass(ActivityDataset.ModelLabel(track.Label)!);
        var (classifier, model) = ActivityModelFiles.Load(Path.Combine(TestAssets.ModelsDir, "activity.onnx"));
        using (model)
        {
            var result = classifier.Classify(track.ToObservations(), track.DurationSeconds);

            Assert.True(result.Dominant == kind, $"{track.Clip} ({track.Source}): {kind} expected, got {string.Join(", ", result.Segments.Select(s => $"{s.Start:F1}-{s.End:F1} {s.Label}"))}");
            if (exercise != ExerciseKind.None)
            {
                Assert.Equal(exercise, result.Segments.Where(s => s.Activity == kind).MaxBy(s => s.Duration)!.Exercise);
            }
            if (kind == ActivityKind.Running)
            {
                // In video time: stock footage of runners is often slowed down (the road runner here: 86 steps a minute, counted by eye).
                Assert.InRange(result.CadenceSpm ?? 0, 60, 220);
            }
        }
    }
}
