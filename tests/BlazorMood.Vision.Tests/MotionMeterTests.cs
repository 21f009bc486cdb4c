namespace BlazorMood.Vision.Tests;

/// <summary>The kiosk's motion measure on synthetic frames: still, moving, a brightness step, a size change.</summary>
public sealed class MotionMeterTests
{
    private const int Width = 320;
    private const int Height = 240;

    /// <summary>A textured background (so a moved block changes the cells it leaves and enters) with a bright square at x, y.</summary>
    private static RgbFrame Scene(int squareX, int squareY, int squareSize, int brightness = 0, int width = Width, int height = Height)
    {
        var bytes = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var inside = x >= squareX && x < squareX + squareSize && y >= squareY && y < squareY + squareSize;
                var value = inside ? 230 : 40 + (x / 20 + y / 20) % 2 * 30;
                var v = (byte)Math.Clamp(value + brightness, 0, 255);
                var i = (y * width + x) * 3;
                bytes[i] = v;
                bytes[i + 1] = v;
                bytes[i + 2] = v;
            }
        }
        return new RgbFrame(bytes, width, height);
    }

    [Fact]
    public void The_first_frame_has_nothing_to_compare_with_and_a_still_picture_does_not_move()
    {
        var meter = new MotionMeter();
        Assert.Null(meter.Measure(Scene(10, 10, 60)));
        Assert.Equal(0f, meter.Measure(Scene(10, 10, 60)));
    }

    [Fact]
    public void A_moving_square_moves_the_share_of_the_picture_it_leaves_and_enters()
    {
        var meter = new MotionMeter();
        meter.Measure(Scene(0, 0, 80));

        // An 80-pixel square (a quarter of the width, a third of the height) jumps to a place it did not cover:
        // the cells of both places changed, about 2 × 8 × 8 of 32 × 24.
        var motion = meter.Measure(Scene(160, 120, 80))!.Value;

        Assert.InRange(motion, 0.15f, 0.2f);
    }

    [Fact]
    public void A_small_step_moves_less_than_a_large_one()
    {
        var meter = new MotionMeter();
        meter.Measure(Scene(100, 80, 80));
        var small = meter.Measure(Scene(110, 80, 80))!.Value;
        var large = meter.Measure(Scene(200, 80, 80))!.Value;

        Assert.True(small > 0, "a 10-pixel step still changes the cells along the square's edges");
        Assert.True(large > 2 * small, $"small {small}, large {large}");
    }

    [Fact]
    public void The_camera_turning_brighter_is_not_movement()
    {
        var meter = new MotionMeter();
        meter.Measure(Scene(10, 10, 60));

        Assert.Equal(0f, meter.Measure(Scene(10, 10, 60, brightness: 25)));
    }

    [Fact]
    public void After_a_size_change_the_meter_starts_again()
    {
        var meter = new MotionMeter();
        meter.Measure(Scene(10, 10, 60));

        Assert.Null(meter.Measure(Scene(10, 10, 60, width: 640, height: 480)));
        Assert.Equal(0f, meter.Measure(Scene(10, 10, 60, width: 640, height: 480)));
        Assert.Null(meter.Measure(Scene(1, 1, 4, width: 16, height: 16))); // too small to measure
    }

    [Fact]
    public void Moved_near_tells_whether_the_cells_around_a_box_changed()
    {
        var meter = new MotionMeter();
        Assert.True(meter.MovedNear(new ImageBox(0, 0, 50, 50)), "nothing measured yet counts as moved");
        meter.Measure(Scene(10, 10, 60));
        Assert.True(meter.MovedNear(new ImageBox(0, 0, 50, 50)), "a first frame has nothing to compare with");

        // The square jumps from the top left to the bottom right; a box far from both places saw nothing move.
        meter.Measure(Scene(240, 160, 60));
        Assert.True(meter.MovedNear(new ImageBox(20, 20, 40, 40)));
        Assert.True(meter.MovedNear(new ImageBox(250, 170, 40, 40)));
        Assert.False(meter.MovedNear(new ImageBox(250, 10, 40, 40)));

        meter.Measure(Scene(240, 160, 60));
        Assert.False(meter.MovedNear(new ImageBox(250, 170, 40, 40)));
    }
}
