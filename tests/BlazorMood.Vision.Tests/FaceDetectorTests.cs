using BlazorMood.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public class FaceDetectorTests(ModelsFixture models)
{
    private void AssertInsideImage(DetectedFace face, int width, int height)
    {
        // Boxes are not clipped, but a real face lies (almost) entirely inside the frame.
        var clipped = face.Box.ClampTo(width, height);
        Assert.True(clipped.Area >= 0.8f * face.Box.Area, $"box {face.Box} mostly outside {width}x{height}");
        Assert.InRange(face.Score, models.Faces.Options.MinScore, 1f);
        Assert.True(face.Box.Width is > 4 and < 1000);
    }

    [Fact]
    public void Finds_many_faces_in_the_group_photo_with_boxes_inside_the_image()
    {
        using var image = ModelsFixture.Load(TestAssets.HumanAsset("samples.jpg"));
        var faces = models.Faces.Detect(image);

        Assert.InRange(faces.Count, 6, models.Faces.Options.MaxFaces);
        foreach (var face in faces)
        {
            AssertInsideImage(face, image.Width, image.Height);
        }
        // Best first, and no two faces are the same face.
        Assert.Equal(faces.OrderByDescending(f => f.Score).Select(f => f.Score), faces.Select(f => f.Score));
        for (var i = 0; i < faces.Count; i++)
        {
            for (var j = i + 1; j < faces.Count; j++)
            {
                Assert.True(faces[i].Box.IntersectionOverUnion(faces[j].Box) <= models.Faces.Options.IouThreshold);
            }
        }
    }

    [Fact]
    public void Tiles_find_small_faces_the_whole_image_pass_misses()
    {
        using var image = ModelsFixture.Load(TestAssets.HumanAsset("samples.jpg"));
        using var untiled = ModelsFixture.Build(o => o.FaceDetector.Tiling = FaceTiling.Off);
        var without = untiled.GetRequiredServiceOf<FaceDetector>().Detect(image);
        var with = models.Faces.Detect(image);
        Assert.True(with.Count >= without.Count + 3, $"tiled {with.Count}, untiled {without.Count}");
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(5, 5)]
    [InlineData(6, 4)]
    public void Finds_every_person_in_the_face_api_photos(int sample, int people)
    {
        using var image = ModelsFixture.FaceApi(sample);
        var faces = models.Faces.Detect(image);
        Assert.Equal(people, faces.Count);
        foreach (var face in faces)
        {
            AssertInsideImage(face, image.Width, image.Height);
        }
    }

    [Fact]
    public void Landmarks_are_in_model_order_right_eye_first()
    {
        using var image = ModelsFixture.FaceApi(6);
        var faces = models.Faces.Detect(image);
        Assert.NotEmpty(faces);
        foreach (var face in faces.Where(f => MathF.Abs(f.Landmarks.RollDegrees) < 30))
        {
            var lm = face.Landmarks;
            // The person's right eye is on the image's left in an unmirrored photo.
            Assert.True(lm.RightEye.X < lm.LeftEye.X);
            Assert.True(lm.RightEar.X < lm.LeftEar.X);
            Assert.InRange(lm.Nose.X, lm.RightEye.X, lm.LeftEye.X);
            Assert.True(lm.Nose.Y > lm.EyeCenter.Y);
            Assert.True(lm.Mouth.Y > lm.Nose.Y);
            Assert.True(face.Box.Contains(lm.RightEye) && face.Box.Contains(lm.LeftEye) && face.Box.Contains(lm.Mouth));
            Assert.InRange(face.Box.Width / lm.EyeDistance, 1.6f, 3.5f);
        }
    }

    [Theory]
    [InlineData(48)]
    [InlineData(32)]
    [InlineData(24)]
    public void Finds_a_small_face_in_a_640x480_frame(int facePixels)
    {
        using var astronaut = ModelsFixture.Astronaut();
        // The astronaut's face is about 104 px wide in the 512-px original.
        var scale = facePixels / 104f;
        using var small = astronaut.Clone(c => c.Resize((int)(512 * scale), (int)(512 * scale)));
        using var frame = new Image<Rgb24>(640, 480, new Rgb24(96, 104, 112));
        var at = new Point(430, 260);
        frame.Mutate(c => c.DrawImage(small, at, 1f));

        var faces = models.Faces.Detect(frame, CancellationToken.None);

        var face = Assert.Single(faces);
        var pasted = new ImageBox(at.X, at.Y, small.Width, small.Height);
        Assert.True(pasted.Contains(face.Box.Center));
        Assert.InRange(face.Box.Width, facePixels * 0.5f, facePixels * 1.5f);
    }

    [Fact]
    public void Finds_several_small_faces_in_a_640x480_frame()
    {
        using var astronaut = ModelsFixture.Astronaut();
        using var small = astronaut.Clone(c => c.Resize(200, 200)); // face ≈ 40 px
        using var frame = new Image<Rgb24>(640, 480, new Rgb24(96, 104, 112));
        Point[] spots = [new(0, 0), new(220, 20), new(430, 0), new(100, 260), new(400, 270)];
        foreach (var p in spots)
        {
            frame.Mutate(c => c.DrawImage(small, p, 1f));
        }

        var faces = models.Faces.Detect(RgbFrame.FromImage(frame), maxFaces: 10);

        Assert.Equal(spots.Length, faces.Count);
        foreach (var p in spots)
        {
            Assert.Single(faces, f => new ImageBox(p.X, p.Y, 200, 200).Contains(f.Box.Center));
        }
    }

    [Fact]
    public void Max_faces_limits_the_result_to_the_best()
    {
        using var image = ModelsFixture.FaceApi(5);
        var all = models.Faces.Detect(RgbFrame.FromImage(image), maxFaces: 10);
        var two = models.Faces.Detect(RgbFrame.FromImage(image), maxFaces: 2);
        Assert.Equal(2, two.Count);
        Assert.Equal(all[0].Score, two[0].Score, 3);
        Assert.Empty(models.Faces.Detect(RgbFrame.FromImage(image), maxFaces: 0));
    }

    [Fact]
    public void A_blank_image_has_no_faces()
    {
        using var blank = new Image<Rgb24>(640, 480, new Rgb24(128, 128, 128));
        Assert.Empty(models.Faces.Detect(blank));
    }

    [Fact]
    public void A_cancelled_token_stops_detection()
    {
        using var image = ModelsFixture.FaceApi(1);
        Assert.ThrowsAny<OperationCanceledException>(() => models.Faces.Detect(image, new CancellationToken(canceled: true)));
    }
}

internal static class ServiceProviderExtensions
{
    public static T GetRequiredServiceOf<T>(this IServiceProvider services)
        where T : notnull => (T)(services.GetService(typeof(T)) ?? throw new InvalidOperationException(typeof(T).Name));
}
