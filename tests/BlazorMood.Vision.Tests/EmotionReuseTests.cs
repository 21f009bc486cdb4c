using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

/// <summary>
/// A stream's faces that barely moved keep the previous frame's emotion every other frame at most; faces that moved,
/// and every face without a stream memory, are classified.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public sealed class EmotionReuseTests : IDisposable
{
    // Reuse matches a face to its box on the previous frame; here every box comes from the whole-frame detector, so the
    // tests see reuse alone (with tracking the boxes of two frames come from two models: FaceTrackingTests). These
    // tests cover whole-face reuse every other frame; StaggeredReuseTests the staggered refresh of one view per frame.
    private readonly ServiceProvider _services = ModelsFixture.Build(o =>
    {
        o.FaceTracking.Enabled = false;
        o.EmotionReuse.Staggered = false;
    });

    private EmotionAnalyzer Analyzer => _services.GetRequiredService<EmotionAnalyzer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void A_still_face_is_classified_on_every_other_frame_and_keeps_its_emotion_in_between()
    {
        var jpeg = ModelsFixture.AstronautFrame(0, 0);
        var memory = new EmotionReuseMemory();

        var first = Analyzer.Analyze(jpeg, memory);
        var second = Analyzer.Analyze(jpeg, memory);
        var third = Analyzer.Analyze(jpeg, memory);
        var fourth = Analyzer.Analyze(jpeg, memory);

        Assert.Single(first.Faces);
        Assert.Equal([0, 1, 0, 1], new[] { first, second, third, fourth }.Select(a => a.ReusedFaces));
        Assert.Equal((2, 2), (memory.ClassifiedFaces, memory.ReusedFaces));
        // The reused frame carries the first frame's probabilities; the box is the current detection.
        Assert.Equal(first.Faces[0].Probabilities, second.Faces[0].Probabilities);
        Assert.Equal(first.Faces[0].Label, third.Faces[0].Label);
        Assert.Equal(first.Faces[0].Probabilities["happy"], third.Faces[0].Probabilities["happy"], 4);
    }

    [Fact]
    public void A_still_picture_skips_the_detector_every_other_frame_and_keeps_the_faces()
    {
        var jpeg = ModelsFixture.AstronautFrame(0, 0);
        var memory = new EmotionReuseMemory();
        var motion = new MotionMeter();

        var frames = Enumerable.Range(0, 5).Select(_ => Analyzer.Analyze(jpeg, memory, motion)).ToArray();

        // The first frame has nothing to compare with; after that a still picture skips detection every other frame.
        Assert.Equal([false, true, false, true, false], frames.Select(a => a.DetectionSkipped));
        Assert.Equal(2, memory.SkippedDetections);
        Assert.All(frames, a => Assert.Single(a.Faces));
        Assert.Equal(frames[0].Faces[0].Box, frames[1].Faces[0].Box);
        Assert.Equal(0, frames[1].Timings.DetectMs);
        Assert.True(frames[2].Timings.DetectMs > 0);
        // A skipped detection still goes through the emotion reuse: classified at least every other frame.
        Assert.Equal([0, 1, 0, 1, 0], frames.Select(a => a.ReusedFaces));
    }

    [Fact]
    public void A_face_that_moves_is_detected_on_every_frame()
    {
        var memory = new EmotionReuseMemory();
        var motion = new MotionMeter();
        var offsets = new[] { (0, 0), (-30, 10), (-60, 20), (-30, 10), (0, 0) };

        var frames = offsets.Select(o => Analyzer.Analyze(ModelsFixture.AstronautFrame(o.Item1, o.Item2), memory, motion)).ToArray();

        Assert.All(frames, a => Assert.False(a.DetectionSkipped));
        Assert.All(frames.Skip(1), a => Assert.True(a.Motion > 0));
        Assert.Equal(0, memory.SkippedDetections);
        // Each box is the current detection: it follows the head.
        Assert.True(frames[2].Faces[0].Box.X < frames[0].Faces[0].Box.X - 40);
    }

    [Fact]
    public void Detection_runs_on_every_frame_when_skipping_is_off_or_without_a_motion_meter()
    {
        var jpeg = ModelsFixture.AstronautFrame(0, 0);
        var memory = new EmotionReuseMemory();
        Assert.All(Enumerable.Range(0, 3).Select(_ => Analyzer.Analyze(jpeg, memory)), a => Assert.False(a.DetectionSkipped));

        using var services = ModelsFixture.Build(o =>
        {
            o.EmotionReuse.MaxSkippedDetections = 0;
            o.EmotionReuse.Staggered = false;
            o.FaceTracking.Enabled = false;
        });
        var analyzer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<EmotionAnalyzer>(services);
        var second = new EmotionReuseMemory();
        var motion = new MotionMeter();
        Assert.All(Enumerable.Range(0, 3).Select(_ => analyzer.Analyze(jpeg, second, motion)), a => Assert.False(a.DetectionSkipped));
        Assert.Equal(0, second.SkippedDetections);
    }

    [Fact]
    public void A_face_that_moved_is_classified_again()
    {
        var memory = new EmotionReuseMemory();
        var before = Analyzer.Analyze(ModelsFixture.AstronautFrame(0, 0), memory);
        // 60 px is about a third of the face box: the overlap falls far below 0.85.
        var after = Analyzer.Analyze(ModelsFixture.AstronautFrame(-60, 30), memory);

        Assert.Single(before.Faces);
        Assert.Single(after.Faces);
        Assert.True(after.Faces[0].Box.IntersectionOverUnion(before.Faces[0].Box) < 0.85f);
        Assert.Equal(0, after.ReusedFaces);
        Assert.Equal((2, 0), (memory.ClassifiedFaces, memory.ReusedFaces));
    }

    [Fact]
    public void Without_a_stream_memory_or_with_reuse_off_every_face_is_classified()
    {
        var jpeg = ModelsFixture.AstronautFrame(0, 0);
        Assert.Equal(0, Analyzer.Analyze(jpeg).ReusedFaces);
        Assert.Equal(0, Analyzer.Analyze(jpeg).ReusedFaces);

        using var services = ModelsFixture.Build(o =>
        {
            o.EmotionReuse.Enabled = false;
            o.FaceTracking.Enabled = false;
        });
        var analyzer = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<EmotionAnalyzer>(services);
        var memory = new EmotionReuseMemory();
        Assert.Equal(0, analyzer.Analyze(jpeg, memory).ReusedFaces);
        Assert.Equal(0, analyzer.Analyze(jpeg, memory).ReusedFaces);
    }

    [Fact]
    public void In_a_group_each_earlier_face_is_reused_by_at_most_one_face()
    {
        using var image = ModelsFixture.FaceApi(5);
        var jpeg = image.ToJpeg();
        var memory = new EmotionReuseMemory();

        var first = Analyzer.Analyze(jpeg, memory);
        var second = Analyzer.Analyze(jpeg, memory);

        Assert.Equal(5, first.Faces.Count);
        Assert.Equal(5, second.ReusedFaces);
        for (var i = 0; i < 5; i++)
        {
            // Same boxes, so each face got its own earlier result, not a neighbour's.
            Assert.Same(first.Faces[i].Probabilities, second.Faces[i].Probabilities);
        }
    }
}
