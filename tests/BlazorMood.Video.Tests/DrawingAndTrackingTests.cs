using BlazorMood.Training.Activity;
using BlazorMood.Video.Drawing;
using BlazorMood.Vision;

namespace BlazorMood.Video.Tests;

public class DrawingAndTrackingTests
{
    [Fact]
    public void Annotation_draws_box_skeleton_and_label_inside_the_frame_only()
    {
        const int w = 320, h = 240;
        var rgb = new byte[w * h * 3];
        var pose = new SyntheticPose(1, 0, 0).Project(SyntheticPose.Skeleton(SyntheticPose.Standing(0)), new Camera(90, 0, 100, 160, 120));
        var window = new ActivityWindow(0, 2, ActivityKind.Running, ExerciseKind.None, 0.87, 164, new Dictionary<ActivityKind, double>(), null);
        // A box partly outside the frame must be clipped, not throw.
        FrameAnnotator.Draw(rgb, w, h, new ImageBox(-20, 30, 400, 300), pose, 0.3f, window);

        Assert.Equal("RUNNING 87%", FrameAnnotator.LabelText(window));
        int Count(int x0, int y0, int x1, int y1)
        {
            var n = 0;
            for (var y = y0; y < y1; y++)
            {
                for (var x = x0; x < x1; x++)
                {
                    n += rgb[((y * w) + x) * 3] + rgb[((y * w) + x) * 3 + 1] + rgb[((y * w) + x) * 3 + 2] > 0 ? 1 : 0;
                }
            }
            return n;
        }
        Assert.True(Count(0, 0, 120, 30) > 100, "label text");
        Assert.True(Count(150, 60, 170, 200) > 50, "skeleton down the body");
        Assert.True(Count(0, 30, w, 33) > 200, "top edge of the box");
    }

    [Theory]
    [InlineData(ActivityKind.Exercising, ExerciseKind.Squats, "EXERCISING: SQUATS 50%")]
    [InlineData(ActivityKind.Exercising, ExerciseKind.PushUps, "EXERCISING: PUSH-UPS 50%")]
    [InlineData(ActivityKind.Unknown, ExerciseKind.None, "NO PERSON")]
    public void Label_texts(ActivityKind kind, ExerciseKind exercise, string text) =>
        Assert.Equal(text, FrameAnnotator.LabelText(new ActivityWindow(0, 1, kind, exercise, 0.5, null, new Dictionary<ActivityKind, double>(), null)));

    [Fact]
    public void Text_uses_the_bitmap_font_and_lower_case_draws_like_upper_case()
    {
        var a = new byte[60 * 20 * 3];
        var b = new byte[60 * 20 * 3];
        new FrameCanvas(a, 60, 20).DrawText(1, 1, "walk 9%", new Rgb(255, 255, 255), 1);
        new FrameCanvas(b, 60, 20).DrawText(1, 1, "WALK 9%", new Rgb(255, 255, 255), 1);
        Assert.Equal(a, b);
        Assert.Contains(a, v => v == 255);
        Assert.Equal(7 * 6 * 2, FrameCanvas.MeasureText("WALK 9%", 2));
    }

    [Fact]
    public void The_tracker_keeps_the_same_person_when_another_is_larger()
    {
        var tracker = new PersonTracker();
        var small = new DetectedObject(0, "person", 0.9f, new ImageBox(10, 10, 40, 100));
        tracker.OnDetections([small]);
        // Someone bigger walks in; the followed person moved a little.
        var moved = small with { Box = new ImageBox(14, 12, 40, 100) };
        var big = new DetectedObject(0, "person", 0.95f, new ImageBox(200, 0, 120, 240));
        Assert.Equal(moved.Box, tracker.OnDetections([big, moved]));
        // Lost for more than three detector runs: re-acquired on the most prominent person.
        for (var i = 0; i < 4; i++)
        {
            tracker.OnDetections([big]);
        }
        Assert.Equal(big.Box, tracker.Current);
    }

    [Fact]
    public void Progress_is_throttled_and_ends_complete()
    {
        var reports = new List<PipelineProgress>();
        var tracker = new ProgressTracker(new Sync(reports.Add), 4);
        tracker.Probed(1000);
        foreach (var stage in new[] { PipelineStage.Decoding, PipelineStage.Pose, PipelineStage.Classifying, PipelineStage.Encoding })
        {
            for (var i = 0; i < 1000; i++)
            {
                tracker.Advance(stage);
            }
        }
        tracker.Complete();
        // 4000 advances within well under a second: one or two reports plus the final one.
        Assert.InRange(reports.Count, 2, 4);
        Assert.Equal(PipelineStage.Completed, reports[^1].Stage);
        Assert.Equal(TimeSpan.Zero, reports[^1].Eta);
    }

    private sealed class Sync(Action<PipelineProgress> a) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => a(value);
    }
}
