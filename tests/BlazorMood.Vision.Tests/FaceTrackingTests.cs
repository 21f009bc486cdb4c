using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

/// <summary>
/// A stream's faces are followed between whole-frame detections by BlazeFace's front-camera model on a square around
/// each face's last box: found again when the head moved, lost (and the whole frame searched) when it left, and a
/// whole-frame detection comes back on schedule to find faces that came into view.
/// </summary>
[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public class FaceTrackingTests(ModelsFixture models)
{
    private static RgbFrame Decode(byte[] jpeg, out Image<Rgb24> image)
    {
        image = Image.Load<Rgb24>(jpeg);
        return RgbFrame.FromImage(image);
    }

    [Fact]
    public void The_tracking_detector_finds_a_face_again_from_a_box_that_is_off_by_a_fifth_and_agrees_with_the_whole_frame_detector()
    {
        var tracker = models.Services.GetRequiredService<TrackingFaceDetector>();
        var frame = Decode(ModelsFixture.AstronautFrame(0, 0), out var image);
        using (image)
        {
            var detected = Assert.Single(models.Faces.Detect(frame, 1));
            var b = detected.Box;
            var stale = detected with { Box = new ImageBox(b.X + (0.2f * b.Width), b.Y - (0.15f * b.Height), b.Width * 1.1f, b.Height * 1.1f) };

            var again = tracker.Refind(frame, stale);

            Assert.NotNull(again);
            Assert.True(again.Box.IntersectionOverUnion(b) > 0.7f, $"IoU {again.Box.IntersectionOverUnion(b):F2}");
            // Its landmarks are the same face's: the eyes within a tenth of the eye distance of the 256-px model's.
            var tolerance = detected.Landmarks.EyeDistance * 0.1f;
            Assert.True(again.Landmarks.RightEye.DistanceTo(detected.Landmarks.RightEye) < tolerance);
            Assert.True(again.Landmarks.LeftEye.DistanceTo(detected.Landmarks.LeftEye) < tolerance);
            Assert.True(again.Landmarks.Mouth.DistanceTo(detected.Landmarks.Mouth) < 2 * tolerance);
        }
    }

    [Fact]
    public void A_region_without_the_face_gives_nothing()
    {
        var tracker = models.Services.GetRequiredService<TrackingFaceDetector>();
        var frame = Decode(ModelsFixture.AstronautFrame(0, 0), out var image);
        using (image)
        {
            var detected = Assert.Single(models.Faces.Detect(frame, 1));
            // The same box in the black left margin of the frame.
            var elsewhere = detected with { Box = detected.Box with { X = 5, Y = 300 } };

            Assert.Null(tracker.Refind(frame, elsewhere));
        }
    }

    [Fact]
    public void A_stream_follows_a_moving_face_with_the_tracker_and_searches_the_whole_frame_on_schedule()
    {
        using var services = ModelsFixture.Build(o => o.FaceTracking.FullDetectionEvery = 4);
        var analyzer = services.GetRequiredService<EmotionAnalyzer>();
        var memory = new EmotionReuseMemory();
        var offsets = new[] { (0, 0), (-20, 8), (-40, 16), (-60, 24), (-40, 16), (-20, 8), (0, 0) };

        var frames = offsets.Select(o => analyzer.Analyze(ModelsFixture.AstronautFrame(o.Item1, o.Item2), memory)).ToArray();

        Assert.Equal(
            [FaceSource.Detected, FaceSource.Tracked, FaceSource.Tracked, FaceSource.Tracked, FaceSource.Detected, FaceSource.Tracked, FaceSource.Tracked],
            frames.Select(a => a.FaceSource));
        Assert.Equal(5, memory.TrackedDetections);
        Assert.All(frames, a => Assert.Single(a.Faces));
        // Each tracked box follows the head: 60 px left and 24 px down on frame 3, back again on frame 6.
        var start = frames[0].Faces[0].Box.Center;
        Assert.InRange(frames[3].Faces[0].Box.Center.X - start.X, -75, -45);
        Assert.InRange(frames[3].Faces[0].Box.Center.Y - start.Y, 12, 36);
        Assert.InRange(frames[6].Faces[0].Box.Center.X - start.X, -12, 12);
        // Same person, same expression on every frame.
        Assert.All(frames, a => Assert.Equal(frames[0].Faces[0].Label, a.Faces[0].Label));
    }

    [Fact]
    public void A_followed_face_keeps_its_model_views_even_after_a_move_that_whole_frame_boxes_would_count_as_a_new_face()
    {
        var memory = new EmotionReuseMemory();
        var start = models.Analyzer.Analyze(ModelsFixture.AstronautFrame(0, 0), memory);
        var views = Assert.Single(memory.Previous).Views!;

        var moved = models.Analyzer.Analyze(ModelsFixture.AstronautFrame(-28, 14), memory);

        Assert.Equal(FaceSource.Tracked, moved.FaceSource);
        // Below the overlap two whole-frame boxes need to count as the same face…
        var overlap = Assert.Single(moved.Faces).Box.IntersectionOverUnion(Assert.Single(start.Faces).Box);
        Assert.InRange(overlap, 0.2f, 0.5f);
        // …but the tracker found it again from its own box: one view refreshed, the other two kept.
        Assert.Equal(1, moved.ReusedFaces);
        var now = Assert.Single(memory.Previous).Views!;
        Assert.NotSame(views.Human, now.Human);
        Assert.Same(views.FaceApi, now.FaceApi);
        Assert.Same(views.FaceApiMirrored, now.FaceApiMirrored);
    }

    [Fact]
    public void A_head_that_moved_out_of_the_square_in_one_frame_is_found_in_the_wider_one_instead_of_the_whole_frame()
    {
        // 60 px left and 30 down on an 80-px face: the old box and the new one hardly overlap.
        var memory = new EmotionReuseMemory();
        var start = models.Analyzer.Analyze(ModelsFixture.AstronautFrame(0, 0), memory);
        var jumped = models.Analyzer.Analyze(ModelsFixture.AstronautFrame(-60, 30), memory);
        var whole = Assert.Single(models.Analyzer.Analyze(ModelsFixture.AstronautFrame(-60, 30)).Faces);

        Assert.Equal(FaceSource.Tracked, jumped.FaceSource);
        var box = Assert.Single(jumped.Faces).Box;
        Assert.True(box.IntersectionOverUnion(start.Faces[0].Box) < 0.3f);
        Assert.True(box.IntersectionOverUnion(whole.Box) > 0.7f, $"IoU with the whole-frame box {box.IntersectionOverUnion(whole.Box):F2}");
        // Still the same face: it keeps two of its model views.
        Assert.Equal(1, jumped.ReusedFaces);

        // Without the wider look the same jump loses the face and costs a whole-frame search.
        using var narrow = ModelsFixture.Build(o => o.FaceTracking.WideRegionScale = 0);
        var analyzer = narrow.GetRequiredService<EmotionAnalyzer>();
        var second = new EmotionReuseMemory();
        analyzer.Analyze(ModelsFixture.AstronautFrame(0, 0), second);
        Assert.Equal(FaceSource.Detected, analyzer.Analyze(ModelsFixture.AstronautFrame(-60, 30), second).FaceSource);
    }

    [Fact]
    public void A_face_that_leaves_is_searched_for_in_the_whole_frame_at_once()
    {
        var memory = new EmotionReuseMemory();
        using var empty = new Image<Rgb24>(640, 480, new Rgb24(90, 90, 90));

        var present = models.Analyzer.Analyze(ModelsFixture.AstronautFrame(0, 0), memory);
        var gone = models.Analyzer.Analyze(empty.ToJpeg(), memory);
        var back = models.Analyzer.Analyze(ModelsFixture.AstronautFrame(0, 0), memory);

        Assert.Single(present.Faces);
        Assert.Equal(FaceSource.Detected, gone.FaceSource);
        Assert.Empty(gone.Faces);
        // With no face to follow the next frame is searched in full, and finds it again.
        Assert.Equal(FaceSource.Detected, back.FaceSource);
        Assert.Single(back.Faces);
    }

    [Fact]
    public void A_face_that_comes_into_view_is_found_by_the_next_scheduled_whole_frame_detection()
    {
        using var services = ModelsFixture.Build(o => o.FaceTracking.FullDetectionEvery = 3);
        var analyzer = services.GetRequiredService<EmotionAnalyzer>();
        var memory = new EmotionReuseMemory();
        using var one = ModelsFixture.Astronaut();
        using var two = ModelsFixture.Astronaut();
        // One face, then a second person appears next to the first.
        using var alone = new Image<Rgb24>(640, 480, new Rgb24(128, 128, 128));
        alone.Mutate(c => c.DrawImage(one.CloneAndDispose(x => x.Resize(260, 260)), new Point(30, 110), 1f));
        using var pair = alone.Clone(c => c.DrawImage(two.CloneAndDispose(x => x.Resize(260, 260)), new Point(350, 110), 1f));

        var frames = new[] { alone, pair, pair, pair }.Select(i => analyzer.Analyze(i.ToJpeg(), memory)).ToArray();

        Assert.Equal([FaceSource.Detected, FaceSource.Tracked, FaceSource.Tracked, FaceSource.Detected], frames.Select(a => a.FaceSource));
        Assert.Equal([1, 1, 1, 2], frames.Select(a => a.Faces.Count));
    }

    [Fact]
    public void A_group_larger_than_the_tracking_limit_is_searched_in_full_on_every_frame()
    {
        using var group = ModelsFixture.FaceApi(5);
        var jpeg = group.ToJpeg();
        using var services = ModelsFixture.Build(o => o.FaceTracking.MaxFaces = 4);
        var analyzer = services.GetRequiredService<EmotionAnalyzer>();
        var memory = new EmotionReuseMemory();

        var frames = Enumerable.Range(0, 3).Select(_ => analyzer.Analyze(jpeg, memory)).ToArray();

        Assert.All(frames, a => Assert.Equal(5, a.Faces.Count));
        Assert.All(frames, a => Assert.Equal(FaceSource.Detected, a.FaceSource));
        // With room for five, the same group is followed.
        using var roomy = ModelsFixture.Build(o => o.FaceTracking.MaxFaces = 5);
        var followed = roomy.GetRequiredService<EmotionAnalyzer>();
        var second = new EmotionReuseMemory();
        Assert.Equal([FaceSource.Detected, FaceSource.Tracked], Enumerable.Range(0, 2).Select(_ => followed.Analyze(jpeg, second).FaceSource));
    }

    [Fact]
    public void Without_a_stream_memory_or_with_tracking_off_every_frame_is_searched_in_full()
    {
        var jpeg = ModelsFixture.AstronautFrame(0, 0);
        Assert.All(Enumerable.Range(0, 3).Select(_ => models.Analyzer.Analyze(jpeg)), a => Assert.Equal(FaceSource.Detected, a.FaceSource));

        using var services = ModelsFixture.Build(o => o.FaceTracking.Enabled = false);
        var analyzer = services.GetRequiredService<EmotionAnalyzer>();
        var memory = new EmotionReuseMemory();
        Assert.All(Enumerable.Range(0, 3).Select(_ => analyzer.Analyze(jpeg, memory)), a => Assert.Equal(FaceSource.Detected, a.FaceSource));
        Assert.Equal(0, memory.TrackedDetections);
    }

    [Theory]
    [InlineData(0f, 2f, 0.3f, 20, 3)]
    [InlineData(0.5f, 1f, 0.3f, 20, 3)]
    [InlineData(0.5f, 2f, 1f, 20, 3)]
    [InlineData(0.5f, 2f, 0.3f, 0, 3)]
    [InlineData(0.5f, 2f, 0.3f, 20, 0)]
    [InlineData(0.5f, 2f, 0.3f, 20, 3, 1.5f)]
    [InlineData(0.5f, 2f, 0.3f, 20, 3, 9f)]
    public void Out_of_range_tracking_settings_are_refused_at_start(float minScore, float regionScale, float minOverlap, int fullEvery, int maxFaces, float wideRegionScale = 4f)
    {
        using var services = ModelsFixture.Build(o =>
        {
            o.FaceTracking.WideRegionScale = wideRegionScale;
            o.FaceTracking.MaxFaces = maxFaces;
            o.FaceTracking.MinScore = minScore;
            o.FaceTracking.RegionScale = regionScale;
            o.FaceTracking.MinOverlap = minOverlap;
            o.FaceTracking.FullDetectionEvery = fullEvery;
        });

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<VisionOptions>>().Value);
        Assert.Contains("Vision:FaceTracking", e.Message, StringComparison.Ordinal);
    }
}
