using BlazorMood.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace BlazorMood.Vision.Tests;

[Trait("Category", "Integration")]
[Trait("Category", "Models")]
[Collection("models")]
public class PoseAndObjectTests(ModelsFixture models)
{
    [Fact]
    public void A_standing_person_gets_an_anatomically_plausible_pose()
    {
        using var image = ModelsFixture.StandingPerson();
        var pose = models.Poses.Estimate(image);

        Assert.Equal(17, pose.Keypoints.Count);
        Assert.Equal(0, pose.RotationDegrees);
        Assert.True(pose.Score > 0.5f, $"score {pose.Score}");
        Assert.Equal(Enum.GetValues<BodyPart>(), pose.Keypoints.Select(k => k.Part));
        Assert.Equal("leftShoulder", pose[BodyPart.LeftShoulder].Name);
        float Y(BodyPart p) => pose[p].Position.Y;
        float X(BodyPart p) => pose[p].Position.X;

        // Top to bottom: head, shoulders, hips, knees, ankles.
        Assert.True(Y(BodyPart.Nose) < Y(BodyPart.LeftShoulder) && Y(BodyPart.Nose) < Y(BodyPart.RightShoulder));
        Assert.True(Y(BodyPart.LeftShoulder) < Y(BodyPart.LeftHip) && Y(BodyPart.RightShoulder) < Y(BodyPart.RightHip));
        Assert.True(Y(BodyPart.LeftHip) < Y(BodyPart.LeftKnee) && Y(BodyPart.RightHip) < Y(BodyPart.RightKnee));
        Assert.True(Y(BodyPart.LeftKnee) < Y(BodyPart.LeftAnkle) && Y(BodyPart.RightKnee) < Y(BodyPart.RightAnkle));
        // Facing the camera: the person's left side is on the image's right.
        Assert.True(X(BodyPart.LeftShoulder) > X(BodyPart.RightShoulder));
        Assert.True(X(BodyPart.LeftHip) > X(BodyPart.RightHip));
        // Everything inside the picture, legs confidently found.
        Assert.All(pose.Keypoints, k => Assert.True(k.Position.X >= 0 && k.Position.X <= image.Width && k.Position.Y >= 0 && k.Position.Y <= image.Height));
        Assert.All(new[] { BodyPart.LeftKnee, BodyPart.RightKnee, BodyPart.LeftAnkle, BodyPart.RightAnkle }, p => Assert.True(pose[p].Score > 0.5f));
    }

    [Theory]
    [InlineData("movenet-lightning", 192)]
    [InlineData("movenet-thunder", 256)]
    public void Either_movenet_is_selected_by_configuration_and_its_input_side_read_from_the_model(string model, int inputSize)
    {
        // Thunder is not committed: TestAssets imports it (an absolute FileName is taken as it is).
        var file = TestAssets.ModelPath(model);
        using var services = ModelsFixture.Build(o => o.Pose.FileName = file);
        var poses = services.GetRequiredService<PoseEstimator>();
        Assert.Equal(inputSize, poses.InputSize);

        using var image = ModelsFixture.StandingPerson();
        var pose = poses.Estimate(image);
        var reference = models.Poses.Estimate(image);
        Assert.True(pose.Score > 0.5f, $"score {pose.Score}");
        // The same body as the default model finds: every confident joint within 8 % of the picture's height.
        foreach (var k in pose.Keypoints.Where(k => k.Score > 0.5f && reference[k.Part].Score > 0.5f))
        {
            var r = reference[k.Part].Position;
            var distance = MathF.Sqrt(((k.Position.X - r.X) * (k.Position.X - r.X)) + ((k.Position.Y - r.Y) * (k.Position.Y - r.Y)));
            Assert.True(distance < 0.08f * image.Height, $"{file} {k.Name}: {k.Position} vs {r}");
        }
        Assert.True(pose[BodyPart.LeftAnkle].Score > 0.5f && pose[BodyPart.RightAnkle].Score > 0.5f);
    }

    [Fact]
    public void A_pose_file_that_is_not_movenet_is_refused_at_load()
    {
        // The emotion model: float [N,64,64,1] in, 7 scores out.
        using var services = ModelsFixture.Build(o => o.Pose.FileName = "emotion.onnx");
        var e = Assert.Throws<ModelLoadException>(() => services.GetRequiredService<PoseEstimator>());
        Assert.Contains("emotion.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_photo_rotated_90_degrees_still_yields_a_pose_in_image_coordinates()
    {
        using var image = ModelsFixture.StandingPerson().CloneAndDispose(c => c.Rotate(RotateMode.Rotate90));
        var pose = models.Poses.Estimate(image);

        Assert.True(pose.Score > 0.4f, $"score {pose.Score}");
        float X(BodyPart p) => pose[p].Position.X;
        // Rotated clockwise, the head points right and the feet left.
        Assert.True(X(BodyPart.Nose) > X(BodyPart.LeftHip) && X(BodyPart.Nose) > X(BodyPart.RightHip));
        Assert.True(X(BodyPart.LeftHip) > X(BodyPart.LeftAnkle) && X(BodyPart.RightHip) > X(BodyPart.RightAnkle));
        Assert.True(X(BodyPart.LeftKnee) > X(BodyPart.LeftAnkle));
    }

    [Fact]
    public void A_person_box_focuses_the_pose_on_that_person()
    {
        using var image = ModelsFixture.StandingPerson();
        // Put the standing person into a much larger frame: the whole-frame view would make her tiny.
        using var frame = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(1280, 720, new SixLabors.ImageSharp.PixelFormats.Rgb24(230, 230, 230));
        frame.Mutate(c => c.DrawImage(image, new Point(900, 400), 1f));
        var box = new ImageBox(930, 400, 100, 158);
        var pose = models.Poses.Estimate(frame, box);

        Assert.True(pose.Score > 0.5f, $"score {pose.Score}");
        Assert.True(pose.Crop.Width >= box.Height);
        var grown = new ImageBox(box.X - 20, box.Y - 20, box.Width + 40, box.Height + 40);
        Assert.All(pose.Keypoints.Where(k => k.Score > 0.3f), k => Assert.True(grown.Contains(k.Position), $"{k.Name} at {k.Position}"));
        Assert.True(pose[BodyPart.Nose].Position.Y < pose[BodyPart.LeftAnkle].Position.Y);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(6, 4)]
    public void Finds_people_in_photos_of_people(int sample, int people)
    {
        using var image = ModelsFixture.FaceApi(sample);
        var objects = models.Objects.Detect(image);
        var persons = objects.Where(o => o.ClassId == CocoLabels.Person).ToList();

        Assert.InRange(persons.Count, people - 1, people + 1);
        Assert.All(persons, p => Assert.Equal("person", p.Label));
        Assert.All(objects, o => Assert.True(o.Box.X >= 0 && o.Box.Y >= 0 && o.Box.Right <= image.Width && o.Box.Bottom <= image.Height));
        Assert.All(objects, o => Assert.InRange(o.Score, 0.25f, 1f));
        // People are tall boxes, and each detected face sits inside some person box.
        Assert.All(persons, p => Assert.True(p.Box.Height > p.Box.Width));
        foreach (var face in models.Faces.Detect(image).Where(f => f.Score > 0.8f))
        {
            Assert.Contains(persons, p => p.Box.Contains(face.Box.Center));
        }
    }

    [Fact]
    public void A_wide_picture_fed_only_as_high_as_it_needs_gives_the_letterboxed_detections()
    {
        // face-api's sample 6 (four people cut off at the hips by the bottom edge) as a 16:9 video frame.
        using var image = ModelsFixture.FaceApi(6);
        image.Mutate(c => c.Resize(640, 360));
        using var fitting = ModelsFixture.Build(o => o.Objects.FitHeight = true);
        var fitter = fitting.GetRequiredService<ObjectDetector>();
        var letterboxed = models.Objects;

        Assert.Equal((320, 512, 416, 512), (fitter.InputRows(640, 360), letterboxed.InputRows(640, 360), fitter.InputRows(640, 480), fitter.InputRows(360, 640)));
        var fitted = fitter.Detect(image).Where(o => o.ClassId == CocoLabels.Person).ToList();
        var reference = letterboxed.Detect(image).Where(o => o.ClassId == CocoLabels.Person).ToList();

        Assert.Equal(4, reference.Count);
        Assert.Equal(reference.Count, fitted.Count);
        var pairs = reference.Select(p => (Reference: p, Fitted: fitted.MaxBy(f => f.Box.IntersectionOverUnion(p.Box))!)).ToList();
        var report = string.Join("; ", pairs.Select(p => FormattableString.Invariant($"IoU {p.Fitted.Box.IntersectionOverUnion(p.Reference.Box):F2} score {p.Fitted.Score:F2}/{p.Reference.Score:F2}")));
        Assert.True(pairs.All(p => p.Fitted.Box.IntersectionOverUnion(p.Reference.Box) > 0.9f), report);
        Assert.True(pairs.All(p => Math.Abs(p.Fitted.Score - p.Reference.Score) < 0.1f), report);
        Assert.True(pairs.Average(p => Math.Abs(p.Fitted.Score - p.Reference.Score)) < 0.04f, report);
    }

    [Fact]
    public void Finds_the_standing_person_and_nothing_on_a_blank_image()
    {
        using var image = ModelsFixture.StandingPerson();
        var person = Assert.Single(models.Objects.Detect(image), o => o.ClassId == CocoLabels.Person);
        Assert.True(person.Box.Height > image.Height * 0.7f);

        using var blank = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(640, 480);
        Assert.Empty(models.Objects.Detect(blank));
    }

    [Fact]
    public void Coco_labels_are_the_80_classes_in_model_order()
    {
        Assert.Equal(80, CocoLabels.All.Count);
        Assert.Equal("person", CocoLabels.All[CocoLabels.Person]);
        Assert.Equal("bicycle", CocoLabels.All[CocoLabels.Bicycle]);
        Assert.Equal("toothbrush", CocoLabels.All[^1]);
    }
}
