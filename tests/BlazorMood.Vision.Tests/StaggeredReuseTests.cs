using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

/// <summary>
/// Staggered reuse on a stream: a face that barely moved refreshes one of its three model views per frame (Human's
/// model, face-api's crop, face-api's mirrored crop) and is fused from the latest of each, so after three frames on
/// the same pixels it is exactly what a full classification gives. Boxes come from the whole-frame detector here
/// (tracking off), so that the same picture gives the same box on every frame.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public sealed class StaggeredReuseTests : IDisposable
{
    private readonly ServiceProvider _services = ModelsFixture.Build(o => o.FaceTracking.Enabled = false);

    private EmotionAnalyzer Analyzer => _services.GetRequiredService<EmotionAnalyzer>();

    public void Dispose() => _services.Dispose();

    /// <summary>The astronaut on a 640×480 frame; <paramref name="mirrored"/>: with the square around her face mirrored in place, in grey at half the contrast.</summary>
    private byte[] Frame(bool mirrored)
    {
        using var frame = ModelsFixture.AstronautOnFrame();
        if (mirrored)
        {
            // The face stays where it was (same box, near enough), but every view sees other pixels.
            var box = Assert.Single(Analyzer.Analyze(frame.ToJpeg()).Faces).Box;
            var side = (int)(Math.Max(box.Width, box.Height) * 1.6f);
            var square = new Rectangle((int)(box.Center.X - (side / 2f)), (int)(box.Center.Y - (side / 2f)), side, side);
            using var face = frame.Clone(c => c.Crop(square).Flip(FlipMode.Horizontal).Grayscale().Contrast(0.5f));
            frame.Mutate(c => c.DrawImage(face, square.Location, 1f));
        }
        return frame.ToJpeg();
    }

    private static void AssertSameProbabilities(FaceEmotion expected, FaceEmotion actual) => AssertSameProbabilities(expected.Probabilities, actual.Probabilities);

    private static void AssertSameProbabilities(IReadOnlyDictionary<string, float> expected, IReadOnlyDictionary<string, float> actual)
    {
        foreach (var label in EmotionLabels.All)
        {
            Assert.True(Math.Abs(expected[label] - actual[label]) <= 1e-5f, $"{label}: {expected[label]} against {actual[label]}");
        }
    }

    [Fact]
    public void A_still_face_refreshes_one_view_per_frame_and_keeps_the_full_result()
    {
        Assert.True(Analyzer.Fused);
        var jpeg = Frame(mirrored: false);
        var full = Assert.Single(Analyzer.Analyze(jpeg).Faces);
        var memory = new EmotionReuseMemory();

        var frames = Enumerable.Range(0, 7).Select(_ => Analyzer.Analyze(jpeg, memory)).ToArray();

        // The first frame classifies the face with every view; each later frame refreshes one view of it.
        Assert.Equal([0, 1, 1, 1, 1, 1, 1], frames.Select(a => a.ReusedFaces));
        Assert.Equal((1, 6), (memory.ClassifiedFaces, memory.ReusedFaces));
        // Same pixels, same crops: every view gives what it gave before, so every frame equals the full classification.
        Assert.All(frames, a => AssertSameProbabilities(full, Assert.Single(a.Faces)));
    }

    [Fact]
    public void After_a_change_each_view_is_refreshed_in_turn_and_the_third_frame_is_all_new()
    {
        var before = Frame(mirrored: false);
        var after = Frame(mirrored: true);
        var fresh = Assert.Single(Analyzer.Analyze(after).Faces);
        var memory = new EmotionReuseMemory();
        Analyzer.Analyze(before, memory);
        var old = Assert.Single(memory.Previous).Views!;

        var seen = new List<EmotionReuseMemory.ModelViews>();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, Analyzer.Analyze(after, memory).ReusedFaces);
            seen.Add(Assert.Single(memory.Previous).Views!);
        }

        // Frame 1 refreshes Human's model only, frame 2 face-api's crop, frame 3 its mirrored crop.
        Assert.NotSame(old.Human, seen[0].Human);
        Assert.Same(old.FaceApi, seen[0].FaceApi);
        Assert.Same(old.FaceApiMirrored, seen[0].FaceApiMirrored);
        Assert.Same(seen[0].Human, seen[1].Human);
        Assert.NotSame(old.FaceApi, seen[1].FaceApi);
        Assert.Same(old.FaceApiMirrored, seen[1].FaceApiMirrored);
        Assert.NotSame(old.FaceApiMirrored, seen[2].FaceApiMirrored);
        Assert.Equal([1, 2, 0], seen.Select(v => v.Next));
        // After the third frame every view is from the new picture: the fused result is the full classification's.
        AssertSameProbabilities(fresh.Probabilities, Assert.Single(memory.Previous).Prediction.Probabilities);
    }

    [Fact]
    public void A_face_that_moved_a_little_keeps_its_other_views_and_one_that_jumped_gets_every_view_at_once()
    {
        var nudgedMemory = new EmotionReuseMemory();
        var start = Analyzer.Analyze(Frame(mirrored: false), nudgedMemory);
        var next = Analyzer.Analyze(ModelsFixture.AstronautFrame(12, 6), nudgedMemory);
        var overlap = next.Faces[0].Box.IntersectionOverUnion(start.Faces[0].Box);
        // 12 px on an 80-px face: below the 0.85 of whole-result reuse, above the same-face threshold.
        Assert.InRange(overlap, 0.5f, 0.85f);
        Assert.Equal(1, next.ReusedFaces);

        var moved = ModelsFixture.AstronautFrame(-60, 30);
        var expected = Assert.Single(Analyzer.Analyze(moved).Faces);
        var memory = new EmotionReuseMemory();

        Analyzer.Analyze(Frame(mirrored: false), memory);
        var after = Analyzer.Analyze(moved, memory);

        Assert.Equal(0, after.ReusedFaces);
        AssertSameProbabilities(expected, Assert.Single(after.Faces));
    }
}
